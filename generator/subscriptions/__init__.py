"""Self-service subscriptions: readers sign up by email or webhook, confirm, and hear each
public update once (``statusgen subscribers serve``, docs/subscriptions.md)."""

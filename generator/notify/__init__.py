"""Notifications: each public update sent once to chats, webhooks and email (``statusgen notify``)."""

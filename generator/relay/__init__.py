"""``statusgen relay``: a small HTTP server that takes monitors' webhooks and create-incident
requests, keeps each on disk until GitHub has accepted it, and forwards it to the status
repository's ``repository_dispatch`` endpoint, where ``ingest.yml`` writes the commit."""

"""Channels: how orders arrive (platform adapters, file import, webhooks) and the shared ingest path."""

"""Ingest: an outside file (a capture) → capture records (ingest.record). May import core."""

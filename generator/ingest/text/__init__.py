"""The plain-text capture format: a live blog page's text, as copied or saved. May import core, ingest."""

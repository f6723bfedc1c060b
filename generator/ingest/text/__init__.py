"""The plain-text capture format: a live blog page's text, as copied or saved (CNN's live blog
layouts, and its older single-article news blog). May import core, ingest."""

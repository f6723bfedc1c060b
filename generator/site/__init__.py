"""Site: which pages exist and what each shows: pages, views, feeds, JSON-LD, page signatures. May import core, content."""

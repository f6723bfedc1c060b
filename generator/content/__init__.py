"""Content: the Markdown + YAML files of content/: schema, body writer, read, write, merge, cache. May import core, ingest.record."""

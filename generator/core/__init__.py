"""Core: errors, config, the model, front matter, URLs, slugs, fixity, paths. Imports nothing of liveblog."""

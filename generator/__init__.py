"""liveblog: a static site generator for archived news live blogs."""

__version__ = "0.1.0"

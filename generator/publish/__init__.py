"""Publish: writing files all-or-nothing (public/, content/) and the build state. May import core."""

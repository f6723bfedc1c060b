"""Outlet adapters: one small module per outlet that reads its live-blog markup.

An adapter looks at a parsed page and, when it is that outlet's live blog,
returns its posts as the markup shows them (`MarkupPage`), keyed by the
outlet's own post ids; otherwise None. Adapters take precedence over
JSON-LD, which outlets fill poorly (ingest/html/__init__.py). Each adapter
is written from the outlet's documented or published markup (its docstring
names the sources), with fixtures in tests/fixtures/html/. The records and
the helpers adapters share live in outlets/markup.py.
"""

from __future__ import annotations

from generator.ingest.html.outlets import bbc, cnn, guardian
from generator.ingest.html.outlets.markup import Adapter, MarkupPage, MarkupPost

__all__ = ["ADAPTERS", "Adapter", "MarkupPage", "MarkupPost"]

# Tried in this order; each checks the page's host and its own markup, so at most one answers.
ADAPTERS: tuple[Adapter, ...] = (guardian.adapter, cnn.adapter, bbc.adapter)

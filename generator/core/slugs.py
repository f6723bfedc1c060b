"""The one slug rule, and the one way to tell repeats apart (-2, -3, …). Pure.

Every URL segment made from a name (a post's id, a live blog's folder, a
topic) comes from `slug`; every name that must not collide with another
(post ids in a capture, ids in a blog, topic slugs in a site) goes through
`unique`. `legacy_topic_slug` is the rule topic URLs followed before 0.2, kept
only so that the site can publish redirects from those URLs.
"""

from __future__ import annotations

import re

from slugify import slugify

_APOSTROPHES = [["'", ""], ["’", ""]]
_NOT_SLUG = re.compile(r"[^a-z0-9-]+")


def slug(text: str, max_length: int = 80, *, fallback: str = "post") -> str:
    """ASCII, lower case, hyphens; at most ``max_length`` characters, cut at a word.

    Non-Latin text is transliterated (python-slugify); apostrophes vanish
    (``Russia's war`` -> ``russias-war``). Never empty (``fallback``), never
    holds ``/``, ``\\`` or ``..``.
    """
    cut = slugify(text, max_length=max_length, word_boundary=True, save_order=True,
                  replacements=_APOSTROPHES)
    return _NOT_SLUG.sub("", cut).strip("-") or fallback


def unique(candidate: str, taken: set[str], tried: dict[str, int] | None = None) -> str:
    """`candidate`, or the first of `candidate-2`, `candidate-3`, … not in `taken`;
    the result joins `taken`. `tried` (kept by the caller across calls on one
    growing `taken`): where each candidate's count stopped, so N repeats of one
    name cost N steps, not N²/2."""
    number = tried.get(candidate, 1) if tried is not None else 1  # 1: the bare candidate
    chosen = candidate if number == 1 else f"{candidate}-{number}"
    while chosen in taken:
        number += 1
        chosen = f"{candidate}-{number}"
    if tried is not None:
        tried[candidate] = number
    taken.add(chosen)
    return chosen


TOPIC_SLUG_LENGTH = 60


def topic_slug(name: str) -> str:
    """A topic's slug (before `unique`): the one rule, shorter, "topic" when empty."""
    return slug(name, TOPIC_SLUG_LENGTH, fallback="topic")


def legacy_topic_slug(name: str) -> str:
    """The slug liveblog 0.1 gave a topic (``Russia's war`` -> ``russia-s-war``).

    Only for redirects: a topic whose old slug differs from `topic_slug`
    gets a page at the old URL that sends readers on to the new one."""
    return slugify(name, max_length=TOPIC_SLUG_LENGTH, word_boundary=True) or "topic"

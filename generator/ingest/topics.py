"""A post's topics from the blog's series and site.toml's [topics] rules (every importer's posts)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from generator.ingest.record import Block, Figure, block_texts

Matchers: TypeAlias = Sequence[tuple[str, Sequence[re.Pattern[str]]]]


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A whole word or phrase, any case, spaces flexible; a plural -s/-es also matches
    (the rule "cluster munition" finds "cluster munitions").

    The edges are lookarounds, not ``\\b``, so a phrase that starts or ends
    with a non-word character (``#NATO``, ``C++``) still matches.
    """
    words = phrase.split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?:e?s)?(?!\w)", re.IGNORECASE)


def topic_matchers(rules: Mapping[str, tuple[str, ...]]) -> Matchers:
    """Compile the rules once per capture, keeping their order."""
    return tuple(
        (topic, tuple(p for p in map(_phrase_pattern, phrases) if p is not None))
        for topic, phrases in rules.items()
    )


def topics_for(
    title: str, blocks: Sequence[Block], series: str | None, matchers: Matchers
) -> tuple[str, ...]:
    """Series first, then each rule topic one of whose phrases is in the title or body
    (paragraphs with their lead-ins, captions, list items; not photo credits).
    No topic twice (compared without case)."""
    texts = [title]
    for block in blocks:
        texts += [block.caption] if isinstance(block, Figure) else block_texts(block)
    text = "\n".join(texts)
    topics = [series] if series else []
    seen = {topic.casefold() for topic in topics}
    for topic, patterns in matchers:
        if topic.casefold() not in seen and any(p.search(text) for p in patterns):
            topics.append(topic)
            seen.add(topic.casefold())
    return tuple(topics)

"""A headline for a post that has none, and where sentences end. Pure; for every importer.

A post whose outlet gave it no headline gets the first sentence of its body
(`headline_derived=True`); the sentence stays in the body, so no text is
lost. Sentences are cut at ``. ! ?`` (and any closing quotes or brackets
after it) followed by a space and a capital letter, a digit or an opening
quote, except after an abbreviation: a single letter ("J. Smith"), a word
with a dot inside ("U.S.", "D.C.", "p.m.") or a title such as "Mr." or
"Gen." (see `_ABBREVIATIONS`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.ingest.record import Block, Paragraph, block_texts

HEADLINE_WORDS = 12  # a derived headline is at most this many words, then "…"
_END = re.compile(r"[.!?]+[\"”’')\]]*")
_NEXT_STARTS = re.compile(r"\s+[\"“‘'(\[]?[A-Z0-9]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen sen rep gov lt col sgt capt cmdr adm maj pres prof st jr sr rev hon "
    "inc corp co ltd no vol vs etc jan feb mar apr aug sept sep oct nov dec mt ft".split()
)


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the dot at text[end] closes an abbreviation rather than a sentence."""
    before = text[:end].split()
    word = before[-1].lstrip("\"“‘'([") if before and not text[end - 1].isspace() else ""
    return len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS


def sentence_ends(text: str) -> list[int]:
    """The index just after each sentence end in `text` (the end of the text included
    when it ends like a sentence)."""
    ends: list[int] = []
    for match in _END.finditer(text):
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        at_end = match.end() == len(text)
        if at_end or _NEXT_STARTS.match(text, match.end()):
            ends.append(match.end())
    return ends


def derive_headline(blocks: Sequence[Block]) -> str:
    """A headline for a post that has none: the first sentence of its first paragraph
    (else of its first block), at most 12 words, cut at a word with "…"."""
    paragraphs = [b.full_text for b in blocks if isinstance(b, Paragraph) and b.full_text]
    text = paragraphs[0] if paragraphs else next(
        (t for block in blocks for t in block_texts(block) if t.strip()), "")
    ends = sentence_ends(text)
    sentence = text[: ends[0]] if ends else text
    words = sentence.split()
    if len(words) > HEADLINE_WORDS:
        return " ".join(words[:HEADLINE_WORDS]).rstrip(",;:—–-") + "…"
    return " ".join(words) or "Update"

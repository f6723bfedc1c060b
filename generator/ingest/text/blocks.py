"""A post's body: blocks read from the cleaned lines of a text capture.

Every non-blank body line becomes exactly one block (or one list item): the
capture prints one paragraph per line, usually with blank lines between them,
so no line is ever merged with another and no text is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.ingest.record import Block, BulletList, Figure, Paragraph

_BULLET = re.compile(r"[•◦▪‣●]\s*(?P<item>.*)")
_CREDIT_MAX_WORDS = 15
_COLON_LEAD = re.compile(r"(?P<lead>[^:]{1,80}:)\s+(?P<rest>\S.*)", re.DOTALL)
_QUESTION_LEAD = re.compile(r"(?P<lead>[^?:]{1,100}\?)\s+(?P<rest>\S.*)", re.DOTALL)
_COLON_LEAD_MAX_WORDS = 6
_QUESTION_LEAD_MAX_WORDS = 8
_QUOTES = "\"'“”‘’«»„"
_INNER_STOPS = (". ", "! ", "? ", "; ", ": ")
# A lead ending in one of these introduces a quotation, not a lead-in: `He said: “…”`.
_SPEECH_VERBS = frozenset(
    "said says say added adds told tells wrote writes tweeted posted stated states noted notes "
    "explained explains asked asks replied replies declared declares announced announces "
    "continued continues warned warns urged urges insisted insists".split()
)
TERMINAL = tuple(".!?”\"’):")


def split_lead_in(line: str) -> Paragraph:
    """Split a short lead-in off the start of a paragraph.

    Conservative rules, all of which must hold:

    * a colon lead-in (``Some context:``, ``"Special relationship":``) has at
      most 6 words; a question lead-in (``What are cluster munitions?``) has 2
      to 8 words, starts with a capital letter and not with a quotation mark;
    * the lead-in is followed by a space and more text, which starts with a
      capital letter or a digit, not with a quotation mark (``Watch more:``
      alone on its line stays a plain paragraph);
    * the lead-in holds no sentence break (``. ``, ``! ``, ``? ``, ``; ``) and
      does not end in a verb of speech (``Zelensky said: Ukraine …`` is plain).
    """
    for pattern, low, high in (
        (_COLON_LEAD, 1, _COLON_LEAD_MAX_WORDS),
        (_QUESTION_LEAD, 2, _QUESTION_LEAD_MAX_WORDS),
    ):
        match = pattern.fullmatch(line)
        if match is None:
            continue
        lead, rest = match["lead"], match["rest"]
        words = lead.split()
        starts_ok = lead[0].isupper() or (pattern is _COLON_LEAD and lead[0] in _QUOTES)
        if (
            low <= len(words) <= high
            and starts_ok
            and (rest[0].isupper() or rest[0].isdigit())
            and not any(stop in lead for stop in _INNER_STOPS)
            and words[-1].rstrip(":").lower() not in _SPEECH_VERBS
        ):
            return Paragraph(rest, lead)
    return Paragraph(line)


def _credit(caption: str, following: str) -> str | None:
    """The credit when ``following`` repeats ``caption`` and appends a short credit."""
    if not caption or not following.startswith(caption + " "):
        return None
    credit = following[len(caption) + 1 :].strip()
    if not credit or len(credit.split()) > _CREDIT_MAX_WORDS:
        return None
    return credit


def build_blocks(lines: Sequence[str]) -> tuple[Block, ...]:
    """Cleaned body lines ("" for a blank line) -> blocks, in order.

    * a caption line directly followed (no blank line) by the same caption plus
      a credit of at most 15 words is a Figure;
    * bullet lines (``• item``; also ◦ ▪ ‣ ●) form one BulletList, even with
      blank lines between them; a bare bullet sign is dropped;
    * any other non-blank line is a Paragraph (see `split_lead_in`).
    """
    blocks: list[Block] = []
    items: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        bullet = _BULLET.fullmatch(line)
        if bullet is not None:
            if bullet["item"]:
                items.append(bullet["item"])
            continue
        if items:
            blocks.append(BulletList(tuple(items)))
            items = []
        credit = _credit(line, lines[index]) if index < len(lines) else None
        if credit is not None:
            blocks.append(Figure(line, credit))
            index += 1
        else:
            blocks.append(split_lead_in(line))
    if items:
        blocks.append(BulletList(tuple(items)))
    return tuple(blocks)


def ends_mid_sentence(blocks: Sequence[Block]) -> bool:
    """True when the last block is a paragraph whose last character cannot end a sentence."""
    if not blocks or not isinstance(blocks[-1], Paragraph):
        return False
    return not blocks[-1].full_text.endswith(TERMINAL)


# Markdown -------------------------------------------------------------------

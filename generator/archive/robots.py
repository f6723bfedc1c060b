"""robots.txt, read as RFC 9309 says. The parsing is the standard library's
`urllib.robotparser` (it matches user agents and paths as the RFC does);
what an answer means is decided here:

* 200: its rules, for the `liveblog` product token (else `*`);
* 4xx (none there, or forbidden): no rules, everything may be fetched;
* 5xx, or the server could not be reached: nothing may be fetched, until a
  later round reads it again (RFC 9309 §2.3.1.4: "assume complete disallow").
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

AGENT_TOKEN = "liveblog"
MAX_ROBOTS = 500 * 1024  # RFC 9309 §2.5: at least 500 KiB are read; the rest is ignored


@dataclass(frozen=True, slots=True)
class Rules:
    """What a host's robots.txt allows."""

    text: str | None  # the file's rules; None: no file (everything allowed)
    unreachable: bool = False  # 5xx or a network error: nothing allowed

    def allows(self, url: str) -> bool:
        if self.unreachable:
            return False
        if self.text is None:
            return True
        parser = RobotFileParser()
        parser.parse(self.text.splitlines())
        return parser.can_fetch(AGENT_TOKEN, url)


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def rules_from(status: int | None, body: bytes) -> Rules:
    """A host's rules from its robots.txt answer (`status` None: not reachable)."""
    if status is None or status >= 500:
        return Rules(None, unreachable=True)
    if status >= 400:
        return Rules(None)
    if status >= 300:  # a redirect we did not follow: treat as absent
        return Rules(None)
    return Rules(body[:MAX_ROBOTS].decode("utf-8", errors="replace"))

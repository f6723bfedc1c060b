"""What one capture may hold (site.toml `[limits]`, core/config.py `Limits`). Pure.

Checked before the costly work: the file's size before it is read, a text
capture's longest line before it is parsed (a 200 MB line took minutes and
gigabytes), the posts of each capture once it is parsed. A refusal names the
file (and line) and the key that raises the limit.
"""

from __future__ import annotations

from pathlib import Path

from generator.core.config import Limits
from generator.core.errors import SiteError
from generator.ingest.record import ParsedCapture

_MB = 1024 * 1024


def check_size(size: int, limits: Limits, path: str | Path) -> None:
    if size > limits.capture_mb * _MB:
        raise SiteError(f"capture is {size / _MB:,.1f} MB, over the limit of {limits.capture_mb:,} MB",
                        path=path, hint="raise capture_mb in [limits] of site.toml if it is right")


def check_lines(data: bytes, limits: Limits, path: str | Path) -> None:
    """A text capture's lines (counted in bytes, as saved) against `line_kb`."""
    most = limits.line_kb * 1024
    if len(data) <= most:
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > most:
            raise SiteError(f"line of {len(line) / 1024:,.0f} KB, over the limit of {limits.line_kb:,} KB",
                            path=path, line=number,
                            hint="raise line_kb in [limits] of site.toml if it is right")


def check_posts(capture: ParsedCapture, limits: Limits, path: str | Path) -> None:
    if len(capture.posts) > limits.posts:
        raise SiteError(f"capture holds {len(capture.posts):,} posts, over the limit of {limits.posts:,}",
                        path=path, hint="raise posts in [limits] of site.toml if it is right")

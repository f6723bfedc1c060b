"""site.toml → a frozen, validated `Config`.

Every key is checked before anything else happens: all problems are
collected, then reported together in one `SiteError` (MkDocs' "collect all
errors, then abort"). Unknown keys, also inside `[zones]`, `[topics]` and
`[replay]`, are errors that name the key and its line.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.core.errors import SiteError
from generator.core.paths import read_text

CONFIG_NAME = "site.toml"
POST_ORDERS = ("newest-first", "oldest-first")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one capture may hold (`[limits]` in site.toml): generous, so that only a
    broken or hostile file meets them, and each refusal names the key to raise."""

    capture_mb: int = 1024  # a file named on `liveblog import`, any format
    line_kb: int = 1024  # one line of a text capture
    posts: int = 20_000  # posts in one capture


@dataclass(frozen=True, slots=True)
class Config:
    title: str
    base_url: str  # always ends with "/"
    language: str
    timezone: str  # IANA name
    post_order: str
    feed_items: int
    posts_per_page: int
    description: str
    zones: tuple[tuple[str, str], ...]  # (label, IANA name), in file order
    topic_rules: tuple[tuple[str, tuple[str, ...]], ...]  # (topic, phrases), in file order
    path: Path  # the site.toml it came from (for messages only)
    replay: bool = True  # [replay] enabled: publish each web-archived blog's WACZ and a replay page
    replay_max_mb: int = 50  # [replay] max_wacz_mb: a blog's web archives above this stay out of public/
    limits: Limits = Limits()

    @property
    def root(self) -> Path:
        """The site folder (the one holding site.toml)."""
        return self.path.parent

    @property
    def base_path(self) -> str:
        """The path part of base_url: "/liveblog-archive/" or "/"."""
        return urlsplit(self.base_url).path or "/"

    def zone_map(self) -> dict[str, ZoneInfo]:
        return {label: ZoneInfo(name) for label, name in self.zones}

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def rules_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.topic_rules)


DEFAULTS: dict[str, Any] = {
    "title": "Live blog archive",
    "base_url": "http://127.0.0.1:8000/",
    "language": "en",
    "timezone": "America/New_York",
    "post_order": "newest-first",
    "feed_items": 50,
    "posts_per_page": 50,
    "description": "An archive of news live blogs, captured and kept as published.",
}
_TABLES = ("zones", "topics", "replay", "limits")
REPLAY_DEFAULTS: dict[str, Any] = {"enabled": True, "max_wacz_mb": 50}


def load_config(site_dir: Path, *, base_url: str | None = None, replay: bool | None = None) -> Config:
    """Read and validate `site_dir/site.toml`; `base_url` and `replay` (False: `--no-replay`)
    override the file."""
    path = site_dir / CONFIG_NAME
    text = read_text(path, missing="no site.toml here", hint="run in a site folder or pass --site PATH")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise SiteError(f"invalid TOML: {error}", path=path, line=line) from None
    if base_url is not None:
        raw["base_url"] = base_url
    config = parse_config(raw, path=path, text=text)
    return config if replay is None or replay else dataclasses.replace(config, replay=False)


class _Problems:
    """Every problem found in site.toml, each with the line of its key."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.found: list[tuple[int | None, str]] = []

    def __call__(self, key: str, message: str) -> None:
        self.found.append((_key_line(self._text, key), f"'{key}': {message}"))

    def raise_any(self, path: Path) -> None:
        if not self.found:
            return
        many = len(self.found) > 1
        message = "; ".join((f"line {line}: " if line is not None and many else "") + text
                            for line, text in self.found)
        raise SiteError(message, path=path, line=self.found[0][0])


def parse_config(raw: dict[str, Any], *, path: Path, text: str = "") -> Config:
    """Validate a parsed TOML mapping. Pure; raises one SiteError listing every problem."""
    problem = _Problems(text)
    values = _values(raw, problem)
    zones = _zones(raw.get("zones", {"ET": "America/New_York"}), problem)
    rules = _topic_rules(raw.get("topics", {}), problem)
    replay = _replay(raw.get("replay", {}), problem)
    limits = _limits(raw.get("limits", {}), problem)
    problem.raise_any(path)
    return Config(
        title=values["title"],
        base_url=values["base_url"],
        language=values["language"],
        timezone=values["timezone"],
        post_order=values["post_order"],
        feed_items=values["feed_items"],
        posts_per_page=values["posts_per_page"],
        description=values["description"],
        zones=zones,
        topic_rules=rules,
        path=path,
        replay=replay["enabled"],
        replay_max_mb=replay["max_wacz_mb"],
        limits=limits,
    )


def _values(raw: dict[str, Any], problem: _Problems) -> dict[str, Any]:
    """The top-level keys over their defaults, each checked."""
    values = dict(DEFAULTS)
    for key, value in raw.items():
        if key in _TABLES:
            continue
        if key not in DEFAULTS:
            problem(key, "unknown key" + _suggest(key, [*DEFAULTS, *_TABLES]))
            continue
        expected = type(DEFAULTS[key])
        if type(value) is not expected:
            problem(key, f"must be {_type_name(expected)}, not {_type_name(type(value))}")
            continue
        values[key] = value
    if (url_problem := base_url_problem(values["base_url"])) is not None:
        problem("base_url", url_problem)
    elif not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    if values["post_order"] not in POST_ORDERS:
        problem("post_order", f"must be one of {', '.join(POST_ORDERS)}")
    for key in ("feed_items", "posts_per_page"):
        if isinstance(values[key], int) and values[key] < 1:
            problem(key, "must be at least 1")
    if not _is_zone(values["timezone"]):
        problem("timezone", f"unknown IANA time zone {values['timezone']!r}")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", values["language"]):
        problem("language", "must be a language tag like 'en' or 'en-GB'")
    return values


def base_url_problem(value: str) -> str | None:
    """What is wrong with a base_url (site.toml or --base-url), or None."""
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
        return "must be an absolute http(s) URL, like https://example.org/archive/"
    return None


def _zones(raw: Any, problem: _Problems) -> tuple[tuple[str, str], ...]:
    """[zones]: label = "IANA/Zone", in file order."""
    if not isinstance(raw, dict):
        problem("zones", "must be a table of LABEL = \"IANA/Zone\"")
        return ()
    zones: list[tuple[str, str]] = []
    for label, name in raw.items():
        if not isinstance(name, str):
            problem(label, f"zone label must map to a string, not {_type_name(type(name))}")
        elif not _is_zone(name):
            problem(label, f"unknown IANA time zone {name!r}")
        else:
            zones.append((label, name))
    return tuple(zones)


def _topic_rules(raw: Any, problem: _Problems) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """[topics]: "Topic" = ["phrase", …], in file order."""
    if not isinstance(raw, dict):
        problem("topics", "must be a table of \"Topic\" = [\"phrase\", …]")
        return ()
    rules: list[tuple[str, tuple[str, ...]]] = []
    for topic, phrases in raw.items():
        if (not isinstance(phrases, list) or not phrases
                or not all(isinstance(p, str) and p.strip() for p in phrases)):
            problem(topic, "topic rule must be a non-empty list of phrases")
        else:
            rules.append((topic, tuple(p.strip() for p in phrases)))
    return tuple(rules)


def _replay(raw: Any, problem: _Problems) -> dict[str, Any]:
    """[replay]: `enabled` (true/false) and `max_wacz_mb` (an integer, 0 or more)."""
    values = dict(REPLAY_DEFAULTS)
    if not isinstance(raw, dict):
        problem("replay", "must be a table: [replay] enabled = true, max_wacz_mb = 50")
        return values
    for key, value in raw.items():
        if key not in REPLAY_DEFAULTS:
            problem(key, "unknown key in [replay]" + _suggest(key, list(REPLAY_DEFAULTS)))
        elif type(value) is not type(REPLAY_DEFAULTS[key]):
            problem(key, f"must be {_type_name(type(REPLAY_DEFAULTS[key]))}, not {_type_name(type(value))}")
        elif key == "max_wacz_mb" and value < 0:
            problem(key, "must be 0 or more")
        else:
            values[key] = value
    return values


def _limits(raw: Any, problem: _Problems) -> Limits:
    """[limits]: capture_mb, line_kb, posts; each a whole number of at least 1."""
    if not isinstance(raw, dict):
        problem("limits", "must be a table like capture_mb = 1024")
        return Limits()
    known = Limits()
    values: dict[str, int] = {}
    for key, value in raw.items():
        if key not in Limits.__dataclass_fields__:
            problem(key, "unknown key in [limits]" + _suggest(key, list(Limits.__dataclass_fields__)))
        elif type(value) is not int or value < 1:
            problem(key, f"must be a whole number of at least 1 (default {getattr(known, key)})")
        else:
            values[key] = value
    return Limits(**values)


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", bool: "true/false", float: "a number",
            list: "a list", dict: "a table"}.get(kind, kind.__name__)


def _suggest(key: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(r'^\s*("?)' + re.escape(key) + r'\1\s*=|^\s*\[' + re.escape(key) + r"\]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None

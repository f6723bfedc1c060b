"""Markdown files with YAML front matter: split and join.

The only module that imports `yaml`. `join` is deterministic: keys keep the
order they are given in, datetimes are written as ISO 8601 with their offset,
lists of plain strings are written inline, and long strings never wrap, so
re-importing the same capture gives byte-identical files.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

import yaml

from generator.errors import SiteError

_FENCE = "---"
# libyaml's parser when PyYAML was built with it (about 10 times faster); same results.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split(text: str, path: str | Path) -> tuple[dict[str, Any], str, int]:
    """Split a file into (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        raise SiteError(
            "no front matter", path=path, line=1, hint="the file must start with a '---' line"
        )
    for end in range(1, len(lines)):
        if lines[end].rstrip() == _FENCE:
            break
    else:
        raise SiteError(
            "front matter is not closed", path=path, line=1, hint="add a '---' line after it"
        )
    source = "\n".join(lines[1:end])
    try:
        try:
            meta = yaml.load(source, Loader=_Loader) if source.strip() else {}
        except yaml.YAMLError:
            # Only on bad input: the pure-Python parser names the problem and its line better.
            meta = yaml.load(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise SiteError(f"invalid YAML front matter: {problem}", path=path, line=line) from None
    if not isinstance(meta, dict):
        raise SiteError("front matter must be a mapping of keys to values", path=path, line=2)
    body = "\n".join(lines[end + 1 :])
    return meta, body, end + 2


def key_line(text: str, key: str) -> int | None:
    """The line of `key:` in a file's front matter, for error messages."""
    for number, line in enumerate(text.split("\n")[1:], start=2):
        if line.rstrip() == _FENCE:
            return None
        if line.startswith(f"{key}:"):
            return number
    return None


class _Dumper(yaml.SafeDumper):
    """A private dumper: registering representers here changes no global state."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # never &id001 / *id001: files stay plain for people to read


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_date(dumper: yaml.SafeDumper, value: date) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any] | tuple[Any, ...]) -> yaml.Node:
    flow = all(isinstance(item, str) and "\n" not in item for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(datetime, _represent_datetime)
_Dumper.add_representer(date, _represent_date)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def dump_meta(meta: Mapping[str, Any]) -> str:
    """YAML for a mapping, keys in the given order, None values left out."""
    cleaned = {key: value for key, value in meta.items() if value is not None}
    return yaml.dump(
        cleaned,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=2**31 - 1,
        default_flow_style=False,
    )


def join(meta: Mapping[str, Any], body: str) -> str:
    """A whole file: front matter fence, YAML, fence, body (ending with one newline)."""
    body = body.strip("\n")
    text = f"{_FENCE}\n{dump_meta(meta)}{_FENCE}\n"
    return text + (f"\n{body}\n" if body else "")

"""Markdown files with YAML front matter: split and join.

The only module that imports `yaml`. `join` is deterministic: keys keep the
order they are given in, datetimes are written as ISO 8601 with their offset,
lists of plain strings are written inline, and long strings never wrap, so
re-importing the same capture gives byte-identical files.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from generator.core.errors import SiteError, quoted

_FENCE = "---"


def _refusing_loader(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """A safe loader that turns a value Python cannot hold (`2023-02-30`, a time with a
    seconds offset, nesting past the recursion limit) into a YAMLError at its line."""

    class Loader(base):  # type: ignore[valid-type,misc]
        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as error:
                value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
                raise yaml.constructor.ConstructorError(
                    None, None, f"cannot read the value {quoted(value)} ({error})", node.start_mark) from None

    return Loader


# libyaml's parser when PyYAML was built with it (about 10 times faster); same results.
_Loader = _refusing_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
_PyLoader = _refusing_loader(yaml.SafeLoader)


def _refuse_aliases(source: str, path: str | Path) -> None:
    """Anchors and aliases (`&a`, `*a`) are never needed in content files, and nested
    aliases expand into a value billions of items long (a "billion laughs" file of a
    few hundred bytes): refused, at their line, before anything is built."""
    if "&" not in source and "*" not in source:
        return
    try:
        for event in yaml.parse(source, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is not None:  # an AliasEvent's anchor is the name it refers to
                what = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                mark = event.start_mark
                raise SiteError(f"YAML {what} '{anchor}' in the front matter", path=path,
                                line=mark.line + 2 if mark is not None else 2,
                                hint="content files hold plain values: write the value out")
    except yaml.YAMLError:
        return  # the load that follows reports it


def _error_line(error: yaml.YAMLError, source: str) -> int:
    """The front matter line (the file's, counting the fence) where the bad value is:
    the problem's place, or, when that is the end of the front matter (an unclosed
    quote or bracket), the place where the unclosed value started."""
    problem = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    mark = problem
    if context is not None and (problem is None or problem.index >= len(source.rstrip())):
        mark = context
    return mark.line + 2 if mark is not None else 1


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
    fast = simple_mapping(lines[1:end])
    if fast is not None:
        return fast, "\n".join(lines[end + 1 :]), end + 2
    _refuse_aliases(source, path)
    try:
        try:
            meta = yaml.load(source, Loader=_Loader) if source.strip() else {}
        except yaml.YAMLError:
            # Only on bad input: the pure-Python parser names the problem and its line better.
            meta = yaml.load(source, Loader=_PyLoader)
    except RecursionError:
        raise SiteError("invalid YAML front matter: values nested too deeply", path=path, line=2) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise SiteError(f"invalid YAML front matter: {problem}", path=path,
                        line=_error_line(error, source)) from None
    if not isinstance(meta, dict):
        raise SiteError("front matter must be a mapping of keys to values", path=path, line=2)
    body = "\n".join(lines[end + 1 :])
    return meta, body, end + 2


# A fast path for the front matter the importer writes: one `key: value` per
# line, each value a plain string, a whole number, true/false, a date, a time
# with its UTC offset, or an inline list of plain strings. PyYAML builds the
# same mapping ten times slower (its constructor is Python), and parsing is
# most of a cold build's reading. Anything else, or anything YAML could read
# another way ("yes", "1.5", "a: b", quotes, comments, block lists), goes to
# PyYAML; tests/test_frontmatter.py checks the fast path agrees with PyYAML.
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INT = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}\Z")
# A string YAML reads as itself: it starts with a letter (never a number, an
# indicator or a quote), then holds no ':' '[' ']' '{' '}', no whitespace but
# single spaces, no ' #' (a comment), no control character, and ends with no space.
_PLAIN = re.compile(r"[A-Za-z\u00c0-\ufffd](?:[^:\[\]{}\s\x00-\x1f\x7f-\x9f\ufffe\uffff]| (?![ #]))*(?<! )\Z")
# Ids and folder names (2023-07-08-1129-headline-words): a '-' inside rules out
# every YAML number, and without ':' it cannot be a time (a bare date has no letter).
_SLUG = re.compile(r"[0-9][0-9A-Za-z-]*-[0-9A-Za-z-]*[A-Za-z][0-9A-Za-z-]*\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
_SKIP = object()


def simple_mapping(lines: list[str]) -> dict[str, Any] | None:
    """The front matter lines as a mapping, or None to let PyYAML decide."""
    meta: dict[str, Any] = {}
    for line in lines:
        key, separator, value = line.partition(": ")
        if not separator or not _KEY.match(key) or key.lower() in _YAML_WORDS:
            return None
        parsed = _simple_value(value)
        if parsed is _SKIP:
            return None
        meta[key] = parsed
    return meta


def _simple_value(value: str) -> Any:
    if _plain(value):
        return value
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1]
        if not inner:
            return []
        items = inner.split(", ")
        return items if all("," not in item and _plain(item) for item in items) else _SKIP
    if _INT.match(value):
        return int(value)
    if value == "true" or value == "false":
        return value == "true"
    if _TIME.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return _SKIP
    if _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return _SKIP
    return _SKIP


def _plain(text: str) -> bool:
    return bool(_PLAIN.match(text) or _SLUG.match(text)) and text.lower() not in _YAML_WORDS


def key_line(text: str, key: str) -> int | None:
    """The line of `key:` in a file's front matter, for error messages."""
    for number, line in enumerate(text.split("\n")[1:], start=2):
        if line.rstrip() == _FENCE:
            return None
        if line.startswith(f"{key}:"):
            return number
    return None


def _dumper(base: type[yaml.SafeDumper]) -> type[yaml.SafeDumper]:
    """A private dumper: registering representers here changes no global state."""

    class Dumper(base):  # type: ignore[valid-type,misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True  # never &id001 / *id001: files stay plain for people to read

    Dumper.add_representer(datetime, _represent_datetime)
    Dumper.add_representer(date, _represent_date)
    Dumper.add_representer(str, _represent_str)
    Dumper.add_representer(list, _represent_list)
    Dumper.add_representer(tuple, _represent_list)
    return Dumper


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


# libyaml's emitter writes a 10 MB headline in a fraction of a second where the
# pure-Python one takes half a minute. Its output is the same but for what this
# pattern finds, which it escapes ("\U0001F600" for an emoji) where the Python
# emitter writes the character: such values keep going through the Python one,
# so files stay byte-identical whichever writes them (tests/test_frontmatter.py).
_C_DIFFERS = re.compile("[\x85\u2028\u2029\U00010000-\U0010ffff]")
_PyDumper = _dumper(yaml.SafeDumper)
_CDumper = _dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def dump_meta(meta: Mapping[str, Any]) -> str:
    """YAML for a mapping, keys in the given order, None values left out."""
    cleaned = {key: value for key, value in meta.items() if value is not None}
    dumper = _PyDumper if any(_C_DIFFERS.search(text) for text in _strings(cleaned)) else _CDumper
    options: dict[str, Any] = dict(sort_keys=False, allow_unicode=True, width=2**31 - 1,
                                   default_flow_style=False)
    text = str(yaml.dump(cleaned, Dumper=dumper, **options))
    if dumper is _CDumper and text.endswith("\n...\n"):  # libyaml's end marker after a kept newline
        text = str(yaml.dump(cleaned, Dumper=_PyDumper, **options))
    return text


def join(meta: Mapping[str, Any], body: str) -> str:
    """A whole file: front matter fence, YAML, fence, body (ending with one newline)."""
    body = body.strip("\n")
    text = f"{_FENCE}\n{dump_meta(meta)}{_FENCE}\n"
    return text + (f"\n{body}\n" if body else "")

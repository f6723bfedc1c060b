"""Which pages changed: a signature for each page, from everything it shows.

A page's signature is a hash of its template (with every template it
extends, includes or imports), the build settings, and its context. The
context is walked value by value; a post enters by its file's sha256 plus
the URLs and links computed for it, and each view is hashed once however
many pages show it. Two builds give a page the same signature exactly when
they would render it from the same inputs, so an incremental build renders
only the pages whose signature moved: for a one-post edit, its permalink,
its day, its blog, its topics' pages and the feeds that list it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from generator.model import Blog, Post
from generator.pages import PageSpec


def signatures(specs: Sequence[PageSpec], template_fingerprint: Callable[[str], str],
               salt: str) -> dict[str, str]:
    memo: dict[int, str] = {}
    fields: dict[type, tuple[str, ...]] = {}

    def plain(value: Any) -> str:
        return repr(value)

    def text(value: Any) -> str:
        return repr(str(value))

    def moment(value: datetime) -> str:
        return f"T{value.isoformat()}{getattr(value.tzinfo, 'key', '')}"

    def day(value: date) -> str:
        return f"D{value.isoformat()}"

    def record(value: Post | Blog) -> str:
        return f"{type(value).__name__}({value.source!r},{value.digest})"

    def sequence(value: Sequence[Any]) -> str:
        return "[" + ",".join([encode(item) for item in value]) + "]"

    def mapping(value: Mapping[str, Any]) -> str:
        return "{" + ",".join([f"{k!r}:{encode(v)}" for k, v in sorted(value.items())]) + "}"

    encoders: dict[type, Callable[[Any], str]] = {
        type(None): plain, bool: plain, int: plain, float: plain, str: plain,
        datetime: moment, date: day, Post: record, Blog: record,
        list: sequence, tuple: sequence, dict: mapping,
    }

    def encode(value: Any) -> str:
        encoder = encoders.get(type(value))
        if encoder is not None:
            return encoder(value)
        key = id(value)
        known = memo.get(key)
        if known is not None:
            return known
        if dataclasses.is_dataclass(value):
            kind = type(value)
            names = fields.get(kind)
            if names is None:
                names = fields[kind] = tuple(f.name for f in dataclasses.fields(value))
            body = kind.__name__ + "(" + ",".join([encode(getattr(value, n)) for n in names]) + ")"
            digest = hashlib.blake2b(body.encode(), digest_size=12).hexdigest()
            memo[key] = digest
            return digest
        if isinstance(value, str):  # Markup
            return text(value)
        if isinstance(value, datetime):
            return moment(value)
        if isinstance(value, tzinfo):
            return repr(getattr(value, "key", str(value)))
        if isinstance(value, Mapping):
            return mapping(value)
        raise TypeError(f"cannot fingerprint a {type(value).__name__} in a page context")

    result = {}
    for spec in specs:
        body = f"{salt}|{template_fingerprint(spec.template)}|{spec.path}|{encode(spec.context)}"
        result[spec.path] = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
    return result

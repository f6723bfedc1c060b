"""The front matter fast path reads exactly what PyYAML reads, or steps aside."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core import frontmatter
from generator.core.errors import SiteError
from sites import REPO

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))

TRICKY = [
    "yes", "Yes", "NO", "on", "Off", "y", "n", "true", "True", "FALSE", "null", "Null", "~", "",
    "1", "01", "007", "1.5", "1e3", "1E+3", ".5", "-1", "+1", "1_000", "0x1F", "0b101", "0o7",
    "12:30", "1:20:30", ".inf", ".NaN", "2023-01-01", "2023-1-1", "2023-13-45", "2023-01-01T05:37:00-05:00",
    "2023-01-01T05:37:00Z", "2023-01-01 05:37:00", "2023-01-01T5:37:00-05:00", "2023-01-01t05:37:00-05:00",
    "2023-01-01-0537-a-slug", "2023-01-01-climate-summit", "1-a", "0-a", "1-", "-a", "1-2-3",
    "[a, b]", "[a,b]", "[]", "[ a ]", "[a, [b]]", "[a, b, ]", "[a: b]", "[a #b]", "[yes, no]", "[1, 2]",
    "a #b", "a# b", "a #", "'q'", '"q"', "- a", "? a", "&a", "*a", "!x", "|", ">", "%a", "@a", "`a",
    "a: b", "a:b", "a:", "{a: b}", "a, b", "a  b", " a", "a ", "a\tb", "Ærø", "é", "’quoted’", "=",
    "<<", "captures/x.txt#2", "a]", "a[", "A.B.", "Kyiv", "From CNN’s Sam Fischer in London",
]
token = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=st.characters(blacklist_categories=("Cs",)),
                                                   max_size=12))
value = st.one_of(token, st.lists(token, max_size=4).map(" ".join),
                  st.lists(token, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"))
key = st.one_of(st.sampled_from(["id", "title", "published", "topics", "draft", "yes", "on", "null",
                                 "x1", "_k", "1a", "a b", "a-b", "<<", "?"]),
                st.text(alphabet="abcxyz_19:-? ", min_size=1, max_size=5))
line = st.one_of(st.tuples(key, value).map(lambda kv: f"{kv[0]}: {kv[1]}"),
                 st.sampled_from(["", "# comment", "- item", "key:", "key:  value", "  nested: 1",
                                  "a: b: c", "list:", "  - x"]))


def same(fast: Any, slow: Any) -> bool:
    """Equal, and of the same types all the way down (True is not 1, a date is not a datetime)."""
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, dict):
        return fast.keys() == slow.keys() and all(same(fast[k], slow[k]) for k in fast)
    if isinstance(fast, list):
        return len(fast) == len(slow) and all(same(a, b) for a, b in zip(fast, slow))
    if isinstance(fast, datetime):
        return fast == slow and fast.utcoffset() == slow.utcoffset() and fast.isoformat() == slow.isoformat()
    return bool(fast == slow)


def pyyaml(lines: list[str]) -> Any:
    return yaml.load("\n".join(lines), Loader=yaml.SafeLoader)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(line, min_size=1, max_size=6))
def test_the_fast_path_agrees_with_pyyaml_or_steps_aside(lines: list[str]) -> None:
    fast = frontmatter.simple_mapping(lines)
    if fast is None:
        return
    assert same(fast, pyyaml(lines)), lines


def test_every_tricky_value_alone_agrees_with_pyyaml() -> None:
    taken = 0
    for text in TRICKY:
        lines = [f"title: {text}"]
        fast = frontmatter.simple_mapping(lines)
        if fast is not None:
            taken += 1
            assert same(fast, pyyaml(lines)), text
    assert taken >= 10  # the plain ones do take the fast path


def test_what_the_importer_writes_takes_the_fast_path() -> None:
    posts = sorted((REPO / "content").glob("*/*.md"))
    posts = [p for p in posts if p.name != "_blog.md"]
    assert len(posts) == 9
    fast_ones = 0
    for path in posts:
        lines = path.read_text(encoding="utf-8").split("\n")
        end = lines.index("---", 1)
        fast = frontmatter.simple_mapping(lines[1:end])
        if fast is None:  # a quoted headline ('Officials: 494 children …'): PyYAML reads it
            assert any(line.startswith("title: '") for line in lines[1:end]), path
            continue
        fast_ones += 1
        assert same(fast, pyyaml(lines[1:end]))
        assert isinstance(fast["published"], datetime) and fast["id"].startswith("2023-07-08-")
    assert fast_ones == 8


def test_split_gives_the_same_result_either_way(tmp_path: Path) -> None:
    text = ("---\nid: 2023-07-08-1129-a\ntitle: A post\npublished: 2023-07-08T11:29:00-04:00\n"
            "topics: [NATO, Ukraine]\nposition: 3\ndraft: false\n---\n\nBody text.\n")
    meta, body, line = frontmatter.split(text, tmp_path / "a.md")
    quoted = text.replace("title: A post", "title: 'A post'")  # PyYAML reads this one
    meta2, body2, line2 = frontmatter.split(quoted, tmp_path / "a.md")
    assert same(meta, meta2) and (body, line) == (body2, line2) == ("\nBody text.\n", 9)
    assert meta["published"] == datetime.fromisoformat("2023-07-08T11:29:00-04:00")
    assert isinstance(frontmatter.simple_mapping(["date: 2023-07-08"])["date"], date)  # type: ignore[index]


# libyaml where it writes the same bytes (issue 17 §3) ------------------------------

yaml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
meta_values = st.one_of(yaml_text, st.lists(yaml_text, max_size=3), st.integers(), st.booleans(),
                        st.lists(st.dictionaries(st.sampled_from(["capture", "text"]), yaml_text, max_size=2),
                                 max_size=2))


def python_dump(meta: dict[str, Any]) -> str:
    """What the pure-Python emitter writes: the bytes every content file had before libyaml."""
    return yaml.dump({k: v for k, v in meta.items() if v is not None}, Dumper=frontmatter._PyDumper,
                     sort_keys=False, allow_unicode=True, width=2**31 - 1, default_flow_style=False)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "text", "topics", "revisions"]), meta_values))
def test_the_libyaml_writer_gives_the_bytes_the_python_one_gives(meta: dict[str, Any]) -> None:
    assert frontmatter.dump_meta(meta) == python_dump(meta)


def test_emoji_line_separators_and_kept_newlines_are_written_as_before() -> None:
    for value in ("Live 🙂 updates", "a\x85b", "a\u2028b", "\n", "ends with a newline\n"):
        assert frontmatter.dump_meta({"title": value}) == python_dump({"title": value})


def test_a_ten_megabyte_headline_is_written_by_libyaml_quickly() -> None:
    """Counted, not timed: the C emitter writes it (the Python one took 35 s)."""
    assert frontmatter._CDumper is not frontmatter._PyDumper  # PyYAML here is built with libyaml
    headline = "Officials say " * 750_000
    text = frontmatter.join({"title": headline.strip()}, "")
    assert frontmatter.split(text, "p.md")[0]["title"] == headline.strip()


# Hostile YAML (issue 17 §6) and where errors point (§16) --------------------------

def test_anchors_and_aliases_are_refused_at_their_line() -> None:
    bomb = "---\nid: x\na: &a [lol, lol]\nb: [*a, *a]\n---\n"
    with pytest.raises(SiteError, match=r"^p\.md:3: YAML anchor 'a' in the front matter"):
        frontmatter.split(bomb, "p.md")


def test_a_yaml_error_names_the_line_of_the_bad_value_not_the_end() -> None:
    text = "---\nid: x\ntitle: 'never closed\nlocation: Kyiv\ndraft: false\n---\n"
    with pytest.raises(SiteError, match=r"^p\.md:3: invalid YAML front matter"):
        frontmatter.split(text, "p.md")

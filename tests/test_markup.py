"""Markdown conversion: CommonMark output, and no memory kept per call."""

from __future__ import annotations

import importlib.metadata
import sys
import tomllib
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

from generator.render.markdown import CMARKGFM_VERSION, to_html
from sites import REPO


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def sample_bodies() -> list[str]:
    return [path.read_text(encoding="utf-8").split("---\n", 2)[2]
            for path in sorted((REPO / "content").glob("*/*.md")) if path.name != "_blog.md"]


def test_cmarkgfm_is_the_pinned_version_with_the_private_functions_we_call() -> None:
    # markdown.py calls cmarkgfm's private _cmark module directly; a new release may
    # rename or drop it. Upgrading means: check markdown.py against the new release,
    # then change CMARKGFM_VERSION and the pin in pyproject.toml together.
    installed = importlib.metadata.version("cmarkgfm")
    assert installed == CMARKGFM_VERSION, (
        f"cmarkgfm {installed} is installed but generator/render/markdown.py was checked "
        f"against {CMARKGFM_VERSION} (it uses the private cmarkgfm._cmark): install "
        f"cmarkgfm=={CMARKGFM_VERSION}, or review markdown.py and update CMARKGFM_VERSION")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [d for d in project["dependencies"] if d.replace(" ", "").startswith("cmarkgfm")]
    assert [p.replace(" ", "") for p in pins] == [f"cmarkgfm=={CMARKGFM_VERSION}"], (
        f"pyproject.toml must pin cmarkgfm exactly to CMARKGFM_VERSION "
        f"({CMARKGFM_VERSION}, generator/render/markdown.py), not {pins}")
    missing = [name for owner, name in ((_cmark.lib, "cmark_markdown_to_html"),
                                        (_cmark.ffi, "string"), (_cmark.ffi, "cast"))
               if not callable(getattr(owner, name, None))]
    assert not missing, (f"cmarkgfm {installed}: the private cmarkgfm._cmark no longer has "
                         f"{missing}, which generator/render/markdown.py calls")


def test_the_output_is_cmark_gfms() -> None:
    for body in sample_bodies():
        expected = cmarkgfm.markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE).rstrip("\n")
        assert to_html(body) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_converting_many_posts_keeps_no_memory() -> None:
    # cmarkgfm's markdown_to_html leaks the C buffer (about 3 kB a post here);
    # ours frees it: 20,000 conversions (60 MB if leaked) leave RSS where it was.
    body = "\n\n".join(sample_bodies())[:3000]
    for _ in range(500):
        to_html(body)
    before = rss_mb()
    for _ in range(20_000):
        to_html(body)
    assert rss_mb() - before < 8

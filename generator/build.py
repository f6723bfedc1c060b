"""`liveblog build`: config → content → pages + feeds → render → public/.

A fixed list of calls; nothing is written until every page has rendered
(`output.publish` builds in a temporary folder and swaps it in).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.config import load_config
from generator.content import load_site
from generator.feeds import feed_pages, robots_page, sitemap_page
from generator.output import check_output_target, publish, tree_files
from generator.pages import PageSpec, site_pages
from generator.render import THEME, Renderer


@dataclass(frozen=True, slots=True)
class BuildReport:
    output: Path
    files: int
    posts: int
    days: int
    topics: int
    seconds: float


def build(
    site_dir: Path,
    *,
    output: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> BuildReport:
    """Build the site. `progress(total)` is called once with the number of pages
    and returns a callable invoked after each page renders (for a progress bar)."""
    started = time.perf_counter()
    config = load_config(site_dir, base_url=base_url)
    root = config.root
    out = output if output is not None else root / "public"
    check_output_target(out, root, [root / name for name in ("content", "templates", "static", "captures")])
    site = load_site(root / "content", config.tz(), drafts=drafts)
    renderer = Renderer(config, root / "templates")
    html = list(site_pages(site, config))
    specs: list[PageSpec] = [
        *html,
        *feed_pages(site, config),
        sitemap_page(html, site, config),
        robots_page(config),
    ]
    files = renderer.render_all(specs)
    if progress is not None:
        files = _ticking(files, progress(len(specs)))
    copies = {**tree_files(THEME / "static", "static"), **tree_files(root / "static", "static"),
              **tree_files(root / "captures", "captures")}
    count = publish(_with_extras(files, copies), out)
    return BuildReport(
        output=out,
        files=count,
        posts=len(site.posts),
        days=len(site.days),
        topics=len(site.topics),
        seconds=time.perf_counter() - started,
    )


def _ticking(files: Iterable[tuple[str, bytes]], tick: Callable[[], None]) -> Iterator[tuple[str, bytes]]:
    for item in files:
        yield item
        tick()


def _with_extras(files: Iterable[tuple[str, bytes]], copies: dict[str, Path]) -> Iterator[tuple[str, bytes]]:
    yield from files
    # Static files (the site's over the theme's) and the raw captures, so anyone can re-derive the site.
    for rel, path in copies.items():
        yield rel, path.read_bytes()
    # GitHub Pages: serve files as they are (no Jekyll processing of _-prefixed paths).
    yield ".nojekyll", b""


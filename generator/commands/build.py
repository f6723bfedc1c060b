"""`liveblog build`: config → content → pages + feeds → render → public/.

A fixed list of calls. The first build of an output folder renders every
page into a temporary folder and swaps it in. Later builds are incremental:
each page gets a signature from what it shows (depends.py); only pages whose
signature moved, or whose file was changed or removed by hand, are rendered,
staged beside the output, and moved in once all of them rendered. Either way
a failed build leaves the output folder as it was, and the result is byte
for byte what a clean build gives.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.config import Config, load_config
from generator.core.fixity import MANIFEST, engine_fingerprint
from generator.core.paths import STATE_DIR, THEME, walk
from generator.publish.atomic import Data, check_output_target, publish, tree_files, update_in_place
from generator.publish.state import BuildState, load_state, save_state

if TYPE_CHECKING:
    from generator.content.read import PostReader
    from generator.core.model import Site


WHOLE_POSTS_UP_TO = 25_000  # content files; a whole post takes about 5 kB of memory


@dataclass(frozen=True, slots=True)
class BuildReport:
    output: Path
    files: int  # files in the output (the manifest not counted)
    written: tuple[str, ...]  # files this build wrote (all of them for a full build)
    removed: tuple[str, ...]
    incremental: bool
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
    full: bool = False,
    workers: int | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
    whole_posts_up_to: int = WHOLE_POSTS_UP_TO,
) -> BuildReport:
    """Build the site; `full` ignores what earlier builds left.

    Posts parsed in this build stay whole in memory when the content folder
    holds at most `whole_posts_up_to` files; past that, the model keeps only
    entries and whole posts are read back from the content cache as pages
    render, so memory stays flat however large the archive.

    `progress(total)` is called once with the number of files to render and
    returns a callable invoked after each one (for a progress bar)."""
    started = time.perf_counter()
    config = load_config(site_dir, base_url=base_url)
    root = config.root
    out = (output if output is not None else root / "public").absolute()
    check_output_target(out, root, [root / name for name in ("content", "templates", "static", "captures")])
    engine = engine_fingerprint()
    settings = hashlib.sha256(repr((config, drafts)).encode()).hexdigest()[:24]
    stamps = {name: walk(folder) for name, folder in _input_folders(root)}
    inputs = _inputs(root, stamps)
    state = None if full else load_state(root, out, engine)
    if (state is not None and state.settings == settings and state.inputs == inputs
            and _stats(out, state.stats) == state.stats):
        # Nothing read has changed and every output is as written: nothing to do.
        # (Only the recorded files are looked at; a file added to the output by
        # hand is noticed and removed by the next build that renders anything.)
        return BuildReport(output=out, files=len(state.hashes), written=(), removed=(),
                           incremental=True, posts=state.counts[0], days=state.counts[1],
                           topics=state.counts[2], seconds=time.perf_counter() - started)

    # Imported here, not at the top: a no-op build never needs them (about 0.2 s).
    from generator.content.read import PostReader, load_site
    from generator.content.cache import ContentStore

    found = walk(out)
    # The stamps just taken, so the cache need not stat every content file again.
    store = ContentStore(root, engine, stamps["content"])
    # Reading content/ makes objects that live as long as the build and no cycles
    # worth collecting: the collector, left on, would scan them again and again.
    gc.disable()
    try:
        site = load_site(root / "content", config.tz(), drafts=drafts, cache=store,
                         keep_whole=len(stamps["content"]) <= whole_posts_up_to, listing=stamps["content"])
        store.loaded()  # whole posts parsed now are read back while their pages render
        del stamps  # 100,000 posts: 60 MB
        # The model lives as long as the build: keep the collector from scanning it
        # again and again while pages render (on a 100,000-post archive, minutes).
        gc.freeze()
        return _render_and_write(root, out, config, site, PostReader(store), state, found,
                                 inputs, engine, settings, drafts, workers, progress, started)
    finally:
        gc.unfreeze()
        gc.enable()
        store.close()


def _render_and_write(root: Path, out: Path, config: Config, site: Site, read: PostReader,
                      state: BuildState | None, found: dict[str, tuple[int, int]], inputs: str,
                      engine: str, settings: str, drafts: bool, workers: int | None,
                      progress: Callable[[int], Callable[[], None]] | None,
                      started: float) -> BuildReport:
    from generator.site.depends import signature
    from generator.site.feeds import feed_pages, robots_page, sitemap_entry, sitemap_pages
    from generator.site.pages import PageSpec, site_pages
    from generator.site.views import Views
    from generator.render.jinja import Renderer

    renderer = Renderer(config, root / "templates", bytecode_dir=root / STATE_DIR / "templates")
    views = Views(site, config, read)
    previous = _still_valid(state, found) if state is not None and MANIFEST in found else None

    # Pass 1: every page's signature (cheap: keys, no context, no post body).
    # An incremental build keeps the specs to render, unless there are many
    # (a template change): then, like a full build, it makes them again.
    wanted: dict[str, str] = {}
    todo: set[str] = set()  # what an incremental build renders (a full build: everything)
    kept: list[PageSpec] | None = [] if previous is not None else None
    entries = []

    def sign(spec: PageSpec) -> None:
        nonlocal kept
        wanted[spec.path] = value = signature(spec, renderer.template_fingerprint, settings)
        if previous is not None and previous.get(spec.path) != value:
            todo.add(spec.path)
            if kept is not None:
                kept.append(spec)
                if len(kept) > KEEP_SPECS:
                    kept = None

    for spec in site_pages(site, config, views):
        sign(spec)
        if spec.in_sitemap:
            entries.append(sitemap_entry(spec))
    for spec in feed_pages(site, config, views):
        sign(spec)
    tail = [*sitemap_pages(entries, config), robots_page(config)]
    del entries
    for spec in tail:
        sign(spec)
    copies = {**tree_files(THEME / "static", "static"), **tree_files(root / "static", "static"),
              **tree_files(root / "captures", "captures")}
    for rel, path in copies.items():
        stat = path.stat()
        wanted[rel] = f"copy:{path}:{stat.st_mtime_ns}:{stat.st_size}"
    wanted[".nojekyll"] = "empty"
    copy_todo = {rel: path for rel, path in copies.items()
                 if previous is None or previous.get(rel) != wanted[rel]}

    gc.enable()  # rendering makes cycles (Jinja's contexts): collect them

    # Pass 2: render those whose signature moved.
    def chosen() -> Iterator[PageSpec]:
        if kept is not None:
            yield from kept
            return
        for spec in itertools.chain(site_pages(site, config, views), feed_pages(site, config, views), tail):
            if previous is None or spec.path in todo:
                yield spec

    jobs = workers if workers is not None else 1
    try:
        files: Iterable[tuple[str, Data]]
        count = len(todo) if previous is not None else len(wanted) - len(copies) - 1  # pages only
        if jobs > 1 and count >= PARALLEL_FROM and threading.active_count() == 1:
            # Forking is safe only without other threads (`serve` builds on one thread).
            files = renderer.render_parallel(list(chosen()), jobs)
        else:
            files = renderer.render_all(chosen())
        if progress is not None:
            files = _ticking(files, progress(count))
        stream = _with_extras(files, copy_todo, nojekyll=previous is None or ".nojekyll" not in previous)

        def gone() -> Iterator[str]:  # read once every page is rendered
            assert previous is not None
            yield from sorted(set(previous) - set(wanted))

        if previous is None:
            hashes, stats = publish(stream, out)
            written = tuple(sorted(hashes))
            removed: tuple[str, ...] = ()
        else:
            assert state is not None
            # Only outputs still as written may be skipped for having the same bytes.
            trusted = {rel: digest for rel, digest in state.hashes.items()
                       if found.get(rel) == state.stats.get(rel)}
            removals = gone()
            written_list, hashes, removed_list = update_in_place(stream, removals, out, trusted)
            written = tuple(sorted(written_list))
            removed = tuple(removed_list)
            stats = {rel: stat for rel, stat in found.items() if rel not in removed}
            stats.update(_stats(out, written))
    finally:
        renderer.close()
    counts = (len(site.posts), len(site.days), len(site.topics))
    save_state(root, out, BuildState(engine=engine, settings=settings, signatures=wanted,
                                     hashes=hashes, stats=stats, inputs=inputs, counts=counts))
    return BuildReport(
        output=out,
        files=len(hashes),
        written=written,
        removed=removed,
        incremental=previous is not None,
        posts=counts[0],
        days=counts[1],
        topics=counts[2],
        seconds=time.perf_counter() - started,
    )


def _still_valid(state: BuildState, found: dict[str, tuple[int, int]]) -> dict[str, str] | None:
    """The signatures of outputs still as the last build left them; None to start again.

    An output edited or deleted by hand loses its signature, so it is rendered
    again; a file added by hand is removed (it is not part of the site)."""
    valid: dict[str, str] = {}
    for rel, signature in state.signatures.items():
        if found.get(rel) == state.stats.get(rel):
            valid[rel] = signature
    for rel in found:
        if rel not in state.signatures and rel != MANIFEST:
            valid[rel] = "stray"  # not wanted: the build removes it
    if found.get(MANIFEST) != state.stats.get(MANIFEST):
        return None  # the manifest was touched: start again
    return valid


PARALLEL_FROM = 400  # pages: below this, forking costs more than it saves
KEEP_SPECS = 2_000  # pages to render an incremental build keeps from its first pass


def _input_folders(root: Path) -> list[tuple[str, Path]]:
    return [("theme", THEME), *((n, root / n) for n in ("content", "templates", "static", "captures"))]


def _inputs(root: Path, stamps: dict[str, dict[str, tuple[int, int]]]) -> str:
    """A fingerprint of every file a build reads: equal fingerprints, equal sites."""
    digest = hashlib.sha256()
    for name, _folder in _input_folders(root):
        for rel, stat in sorted(stamps[name].items()):
            digest.update(f"{name}/{rel}:{stat[0]}:{stat[1]}\n".encode())
    config = (root / "site.toml").stat()
    digest.update(f"site.toml:{config.st_mtime_ns}:{config.st_size}".encode())
    return digest.hexdigest()


def _stats(out: Path, only: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of the named outputs (and the manifest) that exist."""
    stats: dict[str, tuple[int, int]] = {}
    for rel in {*only, MANIFEST}:
        try:
            stat = (out / rel).stat()
        except OSError:
            continue
        stats[rel] = (stat.st_mtime_ns, stat.st_size)
    return stats


def _ticking(files: Iterable[tuple[str, Data]], tick: Callable[[], None]) -> Iterator[tuple[str, Data]]:
    for item in files:
        yield item
        tick()


def _with_extras(files: Iterable[tuple[str, Data]], copies: dict[str, Path], *,
                 nojekyll: bool) -> Iterator[tuple[str, Data]]:
    yield from files
    # Static files (the site's over the theme's) and the raw captures, so anyone can re-derive the site.
    for rel, path in copies.items():
        yield rel, path.read_bytes()
    if nojekyll:
        # GitHub Pages: serve files as they are (no Jekyll processing of _-prefixed paths).
        yield ".nojekyll", b""

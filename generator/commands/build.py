"""`liveblog build`: config → content → plan → render → public/.

A fixed list of calls: load the config, stop early when nothing the build
reads has changed (a no-op build reads no content and imports no renderer),
load content/ into the Site model, then let a `BuildPlan` (commands/plan.py)
sign every page and render and write those that changed. Either way a failed
build leaves the output folder as it was, and the result is byte for byte
what a clean build gives.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from generator.core.config import Config, load_config
from generator.core.errors import SiteError
from generator.core.fixity import engine_fingerprint
from generator.core.model import PostSource, Site
from generator.core.paths import CONTENT_DIR, OUTPUT_DIR, SOURCE_FOLDERS, STATE_DIR, THEME, walk
from generator.publish.atomic import check_output_target
from generator.publish.staging import sweep
from generator.publish.state import BuildState, load_state, output_stats, save_state

if TYPE_CHECKING:
    from generator.content.cache import ContentStore


WHOLE_POSTS_UP_TO = 25_000  # content files; a whole post takes about 5 kB of memory
PARALLEL_FROM = 400  # pages: below this, forking costs more than it saves
PARSE_PARALLEL_FROM = 2_000  # post files to parse: below this, workers parse them serially


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
    notes: tuple[str, ...] = ()  # what the reader of the summary should know (search left out)
    search_pending: bool = False  # the search bundle is out of date: `search_later` left it


@dataclass
class Resident:
    """What a long-running process (`serve`) keeps from one build to the next, all
    into the same private output folder: every content file's parsed record by its
    (mtime, size) (content/cache.py `Remembered`), the last build's state (never
    read back from disk, nor written), and the templates each template source names
    (so an unchanged template is not parsed again to fingerprint it). Its builds
    replace changed files in place rather than staging a tree
    (publish/atomic.py `replace_in_place`)."""

    records: dict[str, tuple[tuple[int, int], Any]] = field(default_factory=dict)
    loaded: bool = False  # a load of content/ went through: `records` cover every file
    state: BuildState | None = None
    references: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    search_pending: bool = False  # a build with `search_later` left the bundle out of date


class Collector(Protocol):
    """What a build tells the garbage collector (the command line tunes it for one
    big job; `serve` and tests leave it alone: it is process-wide)."""

    def loading(self) -> None:
        """content/ is about to be read."""

    def loaded(self) -> None:
        """The model is read; it lives as long as the build."""

    def rendering(self) -> None:
        """Pages are about to be rendered."""

    def finished(self) -> None:
        """The build is over, or failed."""


def build(
    site_dir: Path,
    *,
    output: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    full: bool = False,
    replay: bool = True,
    workers: int | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
    whole_posts_up_to: int = WHOLE_POSTS_UP_TO,
    parallel_from: int = PARALLEL_FROM,
    parse_parallel_from: int = PARSE_PARALLEL_FROM,
    collector: Collector | None = None,
    search: bool = True,
    resident: Resident | None = None,
    search_later: bool = False,
) -> BuildReport:
    """Build the site; `full` ignores what earlier builds left.

    Posts parsed in this build stay whole in memory when the content folder
    holds at most `whole_posts_up_to` files; past that, the model keeps only
    entries and whole posts are read back from the content cache as pages
    render, so memory stays flat however large the archive. `workers`
    processes render a build of `parallel_from` pages or more.

    `progress(total)` is called once with the number of files to render and
    returns a callable invoked after each one (for a progress bar). `replay=False`
    (`--no-replay`) publishes no WACZ and no replay page, whatever site.toml says.

    `search` builds the search bundle (commands/search.py); without the
    pagefind package the rest is built and a note says how to install it.

    `resident`: what the caller keeps between its builds into `output` (serve's).
    `search_later`: write the pages but leave an outdated search bundle as it is
    (the report says `search_pending`); the next build without it indexes. serve
    reloads the open pages first and re-indexes once the edits pause. (A build
    that has to start afresh, its output's manifest touched, has no bundle to
    keep: search answers nothing until that next build.)"""
    started = time.perf_counter()
    config = load_config(site_dir, base_url=base_url, replay=replay)
    root = config.root
    out = (output if output is not None else root / OUTPUT_DIR).absolute()
    check_output_target(out, root, [root / name for name in SOURCE_FOLDERS])
    sweep(out)  # staging folders a killed build left beside the output
    engine = engine_fingerprint()
    notes: tuple[str, ...] = ()
    index_version = None  # the Pagefind version the bundle is made with (None: no search)
    if search:
        from generator.search.pagefind import INSTALL_HINT, PAGEFIND_VERSION, missing

        why = missing()
        if why is not None:
            search = False
            notes = (f"search was not built: {why}; install it with {INSTALL_HINT}",)
        else:
            index_version = PAGEFIND_VERSION
    settings = hashlib.sha256(repr((config, drafts, index_version)).encode()).hexdigest()[:24]
    # Every input folder is walked on every build (a no-op one too), refusing links out of the site.
    stamps = {name: walk(folder, within=None if name == "theme" else root)
              for name, folder in _input_folders(root)}
    inputs = _inputs(root, stamps)
    if full:
        state = None
    elif resident is not None:
        state = resident.state
    else:
        state = load_state(root, out, engine)
    # The outputs the last build recorded, as they are now (a stat each, no walk of the
    # tree): one edited or deleted by hand is rendered again. A file added by hand is not
    # looked for: the next build that writes anything stages a new tree without it
    # (`verify` reports it meanwhile, as not in the manifest).
    found = output_stats(out, state.stats) if state is not None else {}
    index_now = resident is not None and resident.search_pending and not search_later
    if state is not None and not index_now and _nothing_to_do(state, settings, inputs, found):
        return BuildReport(output=out, files=len(state.hashes), written=(), removed=(),
                           incremental=True, posts=state.counts[0], days=state.counts[1],
                           topics=state.counts[2], seconds=time.perf_counter() - started, notes=notes,
                           search_pending=resident is not None and resident.search_pending)

    # Imported here, not at the top: a no-op build never needs them (about 0.2 s).
    from generator.content.cache import ContentStore

    # The stamps just taken, so the cache need not stat every content file again.
    store = ContentStore(root, engine, stamps.pop(CONTENT_DIR))
    collector = collector if collector is not None else _LeaveAlone()
    try:
        collector.loading()
        site, posts = _load(config, store, drafts=drafts, whole_posts_up_to=whole_posts_up_to,
                            resident=resident, jobs=workers or 1, parse_parallel_from=parse_parallel_from)
        del stamps
        collector.loaded()
        written = _render_and_write(config, site, posts, state, found, out, settings,
                                    workers or 1, parallel_from, progress, collector, search, resident,
                                    search_later)
    finally:
        collector.finished()
        store.close()
    counts = (len(site.posts), len(site.days), len(site.topics))
    done = BuildState(engine=engine, settings=settings, signatures=written.wanted, hashes=written.hashes,
                      stats=written.stats, inputs=inputs, counts=counts)
    if resident is not None:
        resident.state = done
        resident.search_pending = written.search_pending
    else:
        save_state(root, out, done)
    return BuildReport(output=out, files=len(written.hashes), written=written.written,
                       removed=written.removed, incremental=written.incremental, posts=counts[0],
                       days=counts[1], topics=counts[2], seconds=time.perf_counter() - started,
                       notes=notes, search_pending=written.search_pending)


def _nothing_to_do(state: BuildState, settings: str, inputs: str, found: dict[str, tuple[int, int]]) -> bool:
    """Nothing the build reads has changed and every output is as written (`found`:
    the recorded outputs' stats now)."""
    return state.settings == settings and state.inputs == inputs and found == state.stats


def _load(config: Config, store: ContentStore, *, drafts: bool, whole_posts_up_to: int,
          resident: Resident | None, jobs: int, parse_parallel_from: int) -> tuple[Site, PostSource]:
    """content/ → the Site model, and the source pages read whole posts from
    (`resident`: a caller that keeps the parsed files between its builds)."""
    from generator.content.cache import Remembered
    from generator.content.read import PostReader, load_site

    listing = store.stamps
    keep_whole = len(listing) <= whole_posts_up_to
    if resident is None and jobs > 1:
        _parse_in_parallel(config.root / CONTENT_DIR, store, jobs, parse_parallel_from, keep_whole)
    cache = (Remembered(store, resident.records, keep_whole=keep_whole, complete=resident.loaded)
             if resident is not None else store)
    site = load_site(config.root / CONTENT_DIR, config.tz(), drafts=drafts, cache=cache,
                     keep_whole=keep_whole, listing=listing)
    if isinstance(cache, Remembered):
        assert resident is not None
        cache.forget_gone()
        resident.loaded = True
    store.loaded()  # whole posts parsed now are read back while their pages render (100,000 posts: 60 MB)
    return site, PostReader(store)


def _parse_in_parallel(content_dir: Path, store: ContentStore, jobs: int, parse_from: int,
                       keep_whole: bool) -> None:
    """Parse the post files the cache lacks on `jobs` forked workers, when there
    are `parse_from` or more (a cold build, a new clone): the parsed rows go into
    the cache, and load_site then finds every post there. On a SiteError the
    files are left to load_site, which reports the first bad one, in order, as a
    serial build would."""
    from generator.content.cache import parse_packed
    from generator.content.read import post_files
    from generator.render.pool import can_fork, fan_out_stream

    if not can_fork():
        return
    files = post_files(store.stamps)
    wanted = set(store.missing([rel for rel, _blog in files]))
    if len(wanted) < parse_from:
        return
    todo = [(rel, blog) for rel, blog in files if rel in wanted]
    try:
        for rows in fan_out_stream(jobs, len(todo), lambda: iter(todo),
                                   lambda item: parse_packed(content_dir, *item)):
            store.add_parsed(rows, keep_whole=keep_whole)
    except SiteError:
        return


@dataclass(frozen=True, slots=True)
class _Outcome:
    wanted: dict[str, str]
    hashes: dict[str, str]
    stats: dict[str, tuple[int, int]]
    written: tuple[str, ...]
    removed: tuple[str, ...]
    incremental: bool
    search_pending: bool


def _render_and_write(config: Config, site: Site, posts: PostSource, state: BuildState | None,
                      found: dict[str, tuple[int, int]], out: Path, settings: str, jobs: int,
                      parallel_from: int, progress: Callable[[int], Callable[[], None]] | None,
                      collector: Collector, search: bool, resident: Resident | None,
                      search_later: bool) -> _Outcome:
    """Plan (sign every page), then render and write what the plan chose."""
    from generator.commands.plan import BuildPlan
    from generator.render.jinja import Renderer
    from generator.site.views import Views

    root = config.root
    renderer = Renderer(config, root / "templates", bytecode_dir=root / STATE_DIR / "templates",
                        references=resident.references if resident is not None else None)
    try:
        plan = BuildPlan(site, config, Views(site, config, posts), renderer, settings, state, found,
                         search=search)
        collector.rendering()
        done = plan.write(lambda target: plan.render(renderer, jobs, parallel_from, progress, target), out,
                          in_place=resident is not None)
        pending = plan.search_outdated
        if pending and not search_later:
            from generator.commands.search import refresh_bundle

            done = refresh_bundle(plan, done, out, root, config.language, in_place=resident is not None)
            pending = False
    finally:
        renderer.close()
    return _Outcome(plan.wanted, done.hashes, done.stats, done.written, done.removed, plan.incremental,
                    pending)


class _LeaveAlone:
    """The default Collector: the garbage collector runs as it always does."""

    def loading(self) -> None:
        pass

    def loaded(self) -> None:
        pass

    def rendering(self) -> None:
        pass

    def finished(self) -> None:
        pass


def _input_folders(root: Path) -> list[tuple[str, Path]]:
    return [("theme", THEME), *((name, root / name) for name in SOURCE_FOLDERS)]


def _inputs(root: Path, stamps: dict[str, dict[str, tuple[int, int]]]) -> str:
    """A fingerprint of every file a build reads: equal fingerprints, equal sites."""
    digest = hashlib.sha256()
    for name, _folder in _input_folders(root):
        for rel, stat in sorted(stamps[name].items()):
            digest.update(f"{name}/{rel}:{stat[0]}:{stat[1]}\n".encode())
    config = (root / "site.toml").stat()
    digest.update(f"site.toml:{config.st_mtime_ns}:{config.st_size}".encode())
    return digest.hexdigest()


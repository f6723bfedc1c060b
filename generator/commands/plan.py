"""One build's plan: what changed → which pages → render → write.

`BuildPlan` is made in a first pass over every page of the site: each page's
signature (site/depends.py) from its key, without a context or a post body.
A full build renders every page; an incremental one only the pages whose
signature moved since the last build, and those whose output was changed or
removed by hand. The plan then renders them (here, or on forked workers)
and writes them: a full build into a new folder swapped in at the end, an
incremental one staged beside the output and moved in once all rendered
(publish/atomic.py). Either way a failed build leaves the output as it was.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.core.config import Config
from generator.core.fixity import MANIFEST
from generator.core.model import Blog, Site
from generator.core.replay import archive_files, replay_plan, web_archive_captures
from generator.core.media import named_sha256
from generator.core.paths import CAPTURES_DIR, MEDIA_DIR, THEME
from generator.core.urls import Urls
from generator.publish.atomic import (Data, Files, Placed, Target, publish, replace_in_place, tree_files,
                                      update_in_place)
from generator.publish.state import BuildState, output_stats
from generator.render.jinja import Renderer
from generator.render.pool import can_fork
from generator.site.depends import signature
from generator.site.feeds import feed_pages, robots_page, sitemap_entry, sitemap_pages
from generator.site.pages import PageSpec, site_pages
from generator.site.views import Views

BUNDLE = "pagefind/"  # the search bundle (commands/search.py writes it after the pages)
# Pages to render that a build keeps from its first pass (about 1 kB each) rather than
# making them again: every page of a 10,000-post site, a few of a 100,000-post one.
KEEP_SPECS = 20_000
Stats = dict[str, tuple[int, int]]  # output path -> (mtime, size)


@dataclass(frozen=True, slots=True)
class Written:
    """What writing the plan did to the output folder."""

    hashes: dict[str, str]  # every output's sha256 (the manifest not counted)
    stats: Stats  # every output's (mtime, size), the manifest's too
    written: tuple[str, ...]
    removed: tuple[str, ...]


class BuildPlan:
    """The pages and files of one build, their signatures, and which to render."""

    def __init__(self, site: Site, config: Config, views: Views, renderer: Renderer,
                 settings: str, state: BuildState | None, found: Stats, *, search: bool = False) -> None:
        self._site, self._config, self._views = site, config, views
        self._state, self._found = state, found
        # Signatures of the outputs still as the last build left them; None: a full build.
        self.previous = _still_valid(state, found) if state is not None and MANIFEST in found else None
        self.wanted: dict[str, str] = {}  # every output -> its signature
        self.todo: set[str] = set()  # what an incremental build renders
        # The specs to render are kept from the signing pass, unless there are many
        # (a big site's full build, a template change): then they are made again.
        self._kept: list[PageSpec] | None = []
        self._to_render = 0
        self.search = search
        self.searchable: list[tuple[str, str]] = []  # post pages: (output path, URL in the index)
        self._search_digest = hashlib.blake2b(digest_size=16)
        self._tail = self._sign_pages(renderer, settings)
        self.archives = self._sign_archives()
        self.copies = self._sign_copies(config.root, replay=bool(self.archives))
        self.search_signature = self._search_digest.hexdigest()
        self.bundle = self._keep_bundle(state)

    def _keep_bundle(self, state: BuildState | None) -> dict[str, str]:
        """The search bundle's files as the last build left them (kept through the
        pages' write; commands/search.py replaces them when `search_outdated`)."""
        if not self.search or self.previous is None or state is None:
            return {}
        bundle = {rel: value for rel, value in self.previous.items() if rel.startswith(BUNDLE)}
        self.wanted.update(bundle)
        return bundle

    @property
    def search_outdated(self) -> bool:
        """Search is on and some post page changed since the bundle was made (or a
        bundle file was changed or removed by hand)."""
        if not self.search:
            return False
        recorded = {rel for rel in (self._state.signatures if self._state else {}) if rel.startswith(BUNDLE)}
        return (not self.bundle or set(self.bundle) != recorded
                or any(value != self.search_signature for value in self.bundle.values()))

    @property
    def incremental(self) -> bool:
        return self.previous is not None

    @property
    def pages(self) -> int:
        """How many pages this build renders (as specs() makes them)."""
        return self._to_render

    def _sign(self, spec: PageSpec, renderer: Renderer, settings: str) -> None:
        self.wanted[spec.path] = value = signature(spec, renderer.template_fingerprint, settings)
        if spec.search_url is not None:
            self.searchable.append((spec.path, spec.search_url))
            self._search_digest.update(f"{spec.path}={value}\n".encode())
        if self.previous is not None and self.previous.get(spec.path) != value:
            self.todo.add(spec.path)
        if self.previous is None or spec.path in self.todo:
            self._to_render += 1  # as specs() will make them (two of one path, counted twice)
            if self._kept is not None:
                self._kept.append(spec)
                if len(self._kept) > KEEP_SPECS:
                    self._kept = None

    def _sign_pages(self, renderer: Renderer, settings: str) -> list[PageSpec]:
        """Sign every page; return the sitemap and robots.txt (made from the pages' list)."""
        entries = []
        for spec in site_pages(self._site, self._config, self._views, search=self.search):
            self._sign(spec, renderer, settings)
            if spec.in_sitemap:
                entries.append(sitemap_entry(spec))
        for spec in feed_pages(self._site, self._config, self._views):
            self._sign(spec, renderer, settings)
        tail = [*sitemap_pages(entries, self._config), robots_page(self._config)]
        for spec in tail:
            self._sign(spec, renderer, settings)
        return tail

    def _sign_archives(self) -> dict[str, Blog]:
        """Each blog's WACZ whose replay is published (core/replay.py), signed by its
        capture records (file, sha256, offset), its capture files' stamps and liveblog's
        version."""
        archives: dict[str, Blog] = {}
        for blog in self._site.blogs:
            plan = replay_plan(blog, self._config)
            if plan is None or not plan.published:
                continue
            rel = Urls.blog_wacz(blog.slug)
            archives[rel] = blog
            records = [(r.file, r.sha256, r.record_offset, r.captured_at, r.source_url)
                       for r in web_archive_captures(blog)]
            files = [(file, _stamp(self._config.root / file)) for file in archive_files(blog)]
            self.wanted[rel] = f"wacz:{__version__}:{blog.title}:{blog.headline_at_capture}:{records}:{files}"
        return archives

    def _sign_copies(self, root: Path, *, replay: bool) -> dict[str, Path]:
        """Static files (the site's over the theme's), the raw captures, so anyone
        can re-derive the site, and the archived images; copied when new or changed.
        Of media/, only the images an import names (`<sha256>.jpg`, .png, .gif, .webp,
        .avif: types a browser never runs) and the manifest are published.
        ReplayWeb.page (static/replay/) only when some blog's replay is."""
        captures = {Urls.capture(rel): path
                    for rel, path in tree_files(root / CAPTURES_DIR, CAPTURES_DIR, within=root).items()}
        media = {rel: path for rel, path in tree_files(root / MEDIA_DIR, MEDIA_DIR, within=root).items()
                 if named_sha256(path.name) is not None or rel == f"{MEDIA_DIR}/{MANIFEST}"}
        copies = {**tree_files(THEME / "static", "static"),
                  **tree_files(root / "static", "static", within=root), **captures, **media}
        if not replay:
            copies = {rel: path for rel, path in copies.items() if not rel.startswith(Urls.REPLAY_STATIC)}
        for rel, path in copies.items():
            stat = path.stat()
            self.wanted[rel] = f"copy:{path}:{stat.st_mtime_ns}:{stat.st_size}"
        self.wanted[".nojekyll"] = "empty"
        return copies

    def specs(self) -> Iterator[PageSpec]:
        """The pages to render, made again (in site order) unless they were kept."""
        if self._kept is not None:
            yield from self._kept
            return
        site, config, views = self._site, self._config, self._views
        for spec in itertools.chain(site_pages(site, config, views, search=self.search), feed_pages(site, config, views),
                                    self._tail):
            if self.previous is None or spec.path in self.todo:
                yield spec

    def render(self, renderer: Renderer, jobs: int, parallel_from: int,
               progress: Callable[[int], Callable[[], None]] | None,
               target: Target) -> Iterator[tuple[str, Data | Placed]]:
        """Every output to write, rendered pages first, then the copies. On `jobs`
        workers, they write the pages into `target` themselves (only records come back)."""
        files: Iterable[tuple[str, Data | Placed]]
        if jobs > 1 and self.pages >= parallel_from and can_fork():
            files = renderer.render_parallel(self.pages, self.specs, jobs, target.place)
        else:
            files = renderer.render_all(self.specs())
        if progress is not None:
            files = _ticking(files, progress(self.pages))
        yield from files
        previous = self.previous
        for rel, blog in self.archives.items():
            if previous is None or previous.get(rel) != self.wanted[rel]:
                yield rel, _wacz_bytes(self._config.root, blog)
        for rel, path in self.copies.items():
            if previous is None or previous.get(rel) != self.wanted[rel]:
                yield rel, path.read_bytes()
        if previous is None or ".nojekyll" not in previous:
            # GitHub Pages: serve files as they are (no Jekyll processing of _-prefixed paths).
            yield ".nojekyll", b""

    def write(self, files: Files, out: Path, *, in_place: bool = False) -> Written:
        """Write the rendered files: the whole site swapped in, or the changes staged
        (`in_place`: each replaced where it is, for a private output such as serve's).
        `files`: as publish/atomic.py takes them (a stream, or a function of the Target)."""
        if self.previous is None:
            hashes, stats = publish(files, out)
            return Written(hashes, stats, tuple(sorted(hashes)), ())
        assert self._state is not None
        previous, state, found = self.previous, self._state, self._found
        # Only outputs still as written may be skipped for having the same bytes.
        trusted = {rel: digest for rel, digest in state.hashes.items()
                   if found.get(rel) == state.stats.get(rel)}

        def gone() -> Iterator[str]:  # read once every page is rendered
            yield from sorted(set(previous) - set(self.wanted))

        written, hashes, removed = (replace_in_place if in_place else update_in_place)(files, gone(), out, trusted)
        stats = {rel: stat for rel, stat in found.items() if rel not in removed}
        stats.update(output_stats(out, written))
        return Written(hashes, stats, tuple(sorted(written)), tuple(removed))


def _still_valid(state: BuildState, found: Stats) -> dict[str, str] | None:
    """The signatures of outputs still as the last build left them; None to start again.

    An output edited or deleted by hand loses its signature, so it is rendered
    again. (`found` holds only the recorded outputs: a file added by hand is left
    out of the new tree publish/atomic.py stages, whatever its name.)"""
    valid: dict[str, str] = {}
    for rel, value in state.signatures.items():
        if found.get(rel) == state.stats.get(rel):
            valid[rel] = value
    if found.get(MANIFEST) != state.stats.get(MANIFEST):
        return None  # the manifest was touched: start again
    return valid


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)  # missing: packaging it names the file
    return (stat.st_mtime_ns, stat.st_size)


def _wacz_bytes(root: Path, blog: Blog) -> bytes:
    """The blog's web archives as a WACZ (archive/wacz.py), in memory: at most the
    site's `[replay] max_wacz_mb` of captures."""
    from generator.archive.wacz import package_blogs

    out = io.BytesIO()
    package_blogs(out, root, [blog])
    return out.getvalue()


def _ticking(files: Iterable[tuple[str, Data | Placed]],
             tick: Callable[[], None]) -> Iterator[tuple[str, Data | Placed]]:
    for item in files:
        yield item
        tick()

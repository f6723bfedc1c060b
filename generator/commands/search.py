"""The search step of `liveblog build`: Pagefind's bundle in public/pagefind/.

It runs after the pages are written, from the post pages as they are in the
output (hard-linked into a folder of their own, which Pagefind reads), and only
when one of them changed: the plan signs the bundle with a digest of every
post page's signature (commands/plan.py). Pagefind has no way to update an
index, so a changed post re-indexes them all (10,000 synthetic posts: about
22 s of Pagefind on 2 cores, bench/results.md). The new bundle is staged and moved in like
any incremental change (publish/atomic.py); files Pagefind no longer writes
are removed, and files whose bytes did not change are not rewritten.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from generator.commands.plan import BUNDLE, BuildPlan, Written
from generator.core.errors import SiteError
from generator.core.paths import STATE_DIR
from generator.publish.atomic import link_or_copy, make_folder, replace_in_place, tree_files, update_in_place
from generator.publish.state import output_stats
from generator.search.pagefind import write_bundle


def refresh_bundle(plan: BuildPlan, done: Written, out: Path, root: Path, language: str, *,
                   in_place: bool = False) -> Written:
    """Index the post pages now in `out` and move the new bundle in (`in_place`: each
    file replaced where it is, as serve's builds write); return what the build wrote,
    the bundle included. `plan.wanted` then lists the new bundle."""
    scratch = root / STATE_DIR
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="search-", dir=scratch))
    except OSError as error:
        raise SiteError(f"cannot make a folder for the search index: {error.strerror or error}",
                        path=scratch) from None
    try:
        pages = folder / "pages"
        _link_post_pages(plan, out, pages)
        bundle = folder / "bundle"
        write_bundle(pages, bundle, language)
        files = tree_files(bundle, BUNDLE.rstrip("/"), skip_dotfiles=False)
        old = sorted(rel for rel in plan.wanted if rel.startswith(BUNDLE))
        for rel in old:
            del plan.wanted[rel]
        for rel in files:
            plan.wanted[rel] = plan.search_signature
        written, hashes, removed = (replace_in_place if in_place else update_in_place)(
            ((rel, path.read_bytes()) for rel, path in sorted(files.items())),
            (rel for rel in old if rel not in files), out, done.hashes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    stats = {rel: stat for rel, stat in done.stats.items() if rel not in removed}
    stats.update(output_stats(out, written))
    return Written(hashes, stats, tuple(sorted({*done.written, *written})),
                   tuple(sorted({*done.removed, *removed} - set(written))))


def _link_post_pages(plan: BuildPlan, out: Path, pages: Path) -> None:
    """The post pages now in `out`, hard-linked (copied where links fail) into `pages`
    at their paths, for Pagefind to read: exactly the pages the plan lists, none else."""
    made: set[str] = {""}
    try:
        for path, url in plan.searchable:
            # Pagefind names a page by its path, index.html dropped: the URL the plan wants.
            assert path == url.lstrip("/") + "index.html", (path, url)
            make_folder(pages, path, made)
            link_or_copy(f"{out}/{path}", f"{pages}/{path}")
    except OSError as error:
        where = getattr(error, "filename", None) or pages
        raise SiteError(f"cannot gather the pages to index: {error.strerror or error}", path=where) from None

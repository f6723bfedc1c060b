"""Writing the files of content/, captures/ and public/: all or nothing.

(Only the caches in .liveblog/ are written elsewhere, and losing them costs
only time.) Two disciplines, both "prepare everything, then swap":

* `write_files_atomically` (content/ and captures/): every new file is
  written into a staging folder first; only when all of them are written are
  they moved into place with `os.replace`. A failure while moving rolls back
  what was already moved. Files whose bytes are unchanged are not touched.
* `publish` and `update_in_place` (public/): a whole new tree is staged in
  a sibling folder (an incremental build renders only what changed and
  hard-links the rest), then swapped in at once (swap.py: renameat2
  RENAME_EXCHANGE on Linux), so public/ is at every instant one whole build,
  and a failed or killed build leaves it as it was. staging.py marks each
  staging folder with its owner, so the next build removes those a killed
  build left.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import SiteError
from generator.core.fixity import MANIFEST, sha256_bytes, write_manifest
from generator.core.paths import walk
from generator.publish.staging import crash_point, discard, new_folder, sweep
from generator.publish.swap import exchange

# A rendered file: bytes, or a bytearray for a large one built piece by piece
# (written and hashed as it is, never copied).
Data = bytes | bytearray


@dataclass(frozen=True, slots=True)
class Placed:
    """A file already in the staging folder, written there by a render worker
    (`Target.place`), or found equal to the output's: only its record travels."""

    sha256: str
    stat: tuple[int, int] | None  # (mtime, size) as written; None: unchanged, not written


@dataclass(frozen=True, slots=True)
class Target:
    """Where one build's files go: its staging folder, the output it replaces, and
    (incremental builds) the outputs whose bytes are known, which need no rewrite.

    Forked render workers write into it themselves (render/pool.py), so a page's
    bytes never travel back to the parent; folders are made with exist_ok, so
    workers may share one."""

    stage: Path
    out_dir: Path
    previous: Mapping[str, str] | None = None  # rel -> sha256 of outputs still as written
    # Files go straight into out_dir, each written beside itself under a dot-name and
    # then os.replace'd (replace_in_place: a private output); stage is out_dir then.
    in_place: bool = False

    def place(self, rel: str, data: Data, made: set[str]) -> Placed:
        """Write `data` at `rel` in the staging folder (unless the output already holds
        those bytes); `made` is the caller's set of folders already made."""
        _refuse_unsafe(self.stage, rel)
        digest = sha256_bytes(data)
        if self.previous is not None and self.previous.get(rel) == digest and (self.out_dir / rel).is_file():
            return Placed(digest, None)
        make_folder(self.stage, rel, made)
        final = f"{self.stage}/{rel}"
        path = f"{self.stage}/{rel.rpartition('/')[0]}/.{rel.rpartition('/')[2]}.new" if self.in_place else final
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            stat = os.fstat(handle.fileno())
        if self.in_place:
            os.replace(path, final)
        return Placed(digest, (stat.st_mtime_ns, stat.st_size))


# What publish() and update_in_place() write: (path, bytes or Placed) pairs, or a
# function that makes them for a Target (render workers write into its stage).
Files = Iterable[tuple[str, Data | Placed]] | Callable[[Target], Iterable[tuple[str, Data | Placed]]]


def write_files_atomically(root: Path, files: Mapping[str, bytes]) -> tuple[str, ...]:
    """Write `files` (paths relative to `root`) all-or-nothing; return those that changed."""
    changed = {rel: data for rel, data in sorted(files.items()) if _differs(root / rel, data)}
    if not changed:
        return ()
    for rel in changed:
        _refuse_unsafe(root, rel)
    try:
        root.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".liveblog-stage-", dir=root))
    except OSError as error:
        raise SiteError(f"cannot write here: {error.strerror or error}", path=root) from None
    try:
        staged: list[tuple[Path, Path]] = []
        for number, (rel, data) in enumerate(changed.items()):
            temp = stage / f"new-{number}"
            temp.write_bytes(data)
            staged.append((root / rel, temp))
        _commit(staged, stage)
    except OSError as error:
        where = getattr(error, "filename", None) or root
        raise SiteError(f"cannot write: {error.strerror or error}", path=where) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return tuple(changed)


def _commit(staged: list[tuple[Path, Path]], stage: Path) -> None:
    created_dirs: list[Path] = []
    done: list[tuple[Path, Path | None]] = []
    try:
        for number, (target, temp) in enumerate(staged):
            for parent in reversed(target.parents):
                if not parent.exists():
                    parent.mkdir()
                    created_dirs.append(parent)
            backup: Path | None = None
            if target.exists():
                backup = stage / f"old-{number}"
                os.link(target, backup)
            os.replace(temp, target)
            done.append((target, backup))
    except OSError:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        for directory in reversed(created_dirs):
            directory.rmdir()
        raise


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except (FileNotFoundError, NotADirectoryError):
        return True
    except IsADirectoryError:
        raise SiteError("expected a file but found a folder", path=path) from None
    except OSError as error:
        raise SiteError(f"cannot read: {error.strerror or error}", path=path) from None


def _refuse_unsafe(root: Path, rel: str) -> None:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise SiteError(f"refusing to write outside the site: {rel!r}", path=root)


def publish(files: Files, out_dir: Path) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """Write a whole site into a staging folder beside `out_dir`, then swap it in.

    `files` is a stream of (relative path, bytes); it is consumed as it comes,
    so a large site is never held in memory (or a function of the build's
    Target giving such a stream, some of it `Placed`: written by workers). Every
    file's sha256 and (mtime, size) are recorded as it is written, and
    `manifest-sha256.txt` (BagIt style) is written last. Returns those two maps,
    the manifest included in the second only (the swap keeps modification times).
    """
    out_dir = out_dir.absolute()
    temp = _stage(out_dir, "cannot create the output folder")
    target = Target(temp, out_dir)
    hashes: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    made: set[str] = {""}
    try:
        for number, (rel, data) in enumerate(files(target) if callable(files) else files):
            crash_point("write", number)
            if rel in hashes or rel == MANIFEST:
                raise SiteError(f"two outputs want the same path {rel!r}", path=out_dir)
            placed = data if isinstance(data, Placed) else target.place(rel, data, made)
            assert placed.stat is not None  # a full build has nothing to keep
            stats[rel] = placed.stat
            hashes[rel] = placed.sha256
        del made
        crash_point("manifest")
        write_manifest(temp / MANIFEST, hashes)
        stat = (temp / MANIFEST).stat()
        stats[MANIFEST] = (stat.st_mtime_ns, stat.st_size)
        _swap(temp, out_dir)
    finally:
        discard(temp)  # after the swap, the old tree
    return hashes, stats


def update_in_place(
    files: Files,
    remove: Iterable[str],
    out_dir: Path,
    previous: dict[str, str],
) -> tuple[list[str], dict[str, str], list[str]]:
    """Incremental publish: a whole new tree, made cheaply, swapped in at once.

    `files` are rendered into a staging folder beside `out_dir` (or given as a
    function of the Target, as publish() takes them); a file whose bytes equal
    what `previous` (path → sha256) recorded is skipped. When every
    file is staged, the unchanged outputs are hard-linked into the staging
    folder (copied where the file system has no hard links), `remove` left out,
    the manifest written, and the folder swapped with `out_dir` (swap.py): at
    every moment `out_dir` is one whole build, the last or this one, and a
    failed or killed build leaves it as it was. Unchanged files keep their
    inode, hence their (mtime, size). `remove` is read only after every file is
    staged. Returns (paths written, all hashes, paths removed).
    """
    out_dir = out_dir.absolute()
    hashes = dict(previous)
    stage = _stage(out_dir, "cannot stage the changes")
    target = Target(stage, out_dir, previous)
    staged: list[str] = []
    try:
        made: set[str] = {""}
        for number, (rel, data) in enumerate(files(target) if callable(files) else files):
            crash_point("write", number)
            placed = data if isinstance(data, Placed) else target.place(rel, data, made)
            if placed.stat is None:
                continue
            hashes[rel] = placed.sha256
            staged.append(rel)
        gone = [rel for rel in remove if rel != MANIFEST]
        for rel in gone:
            hashes.pop(rel, None)
        fresh = set(staged)
        for number, rel in enumerate(sorted(rel for rel in hashes if rel not in fresh)):
            crash_point("link", number)
            make_folder(stage, rel, made)
            link_or_copy(f"{out_dir}/{rel}", f"{stage}/{rel}")
        crash_point("manifest")
        write_manifest(stage / MANIFEST, hashes)
        _swap(stage, out_dir)
    except OSError as error:
        where = getattr(error, "filename", None) or out_dir
        raise SiteError(f"cannot stage the changes: {error.strerror or error}", path=where) from None
    finally:
        discard(stage)  # after the swap, the old tree
    return staged, hashes, gone


def replace_in_place(
    files: Files,
    remove: Iterable[str],
    out_dir: Path,
    previous: dict[str, str],
) -> tuple[list[str], dict[str, str], list[str]]:
    """Incremental publish into a private output (`serve`'s): each changed file
    replaced on its own (written beside itself under a dot-name, then
    `os.replace`d), the gone ones removed, the manifest rewritten last. No
    staged tree: an edit costs its own pages, not a link per file of the site.
    While it runs, a reader may get some pages of the last build and some of
    this one (each page whole); the dev server's pages reload only after it.
    A build that fails removes the files it added (no build recorded them) and
    leaves those it replaced, which the next build finds changed (their stats)
    and renders again. Same arguments and result as `update_in_place`."""
    out_dir = out_dir.absolute()
    hashes = dict(previous)
    target = Target(out_dir, out_dir, previous, in_place=True)
    written: list[str] = []
    made: set[str] = {""}
    try:
        for rel, data in files(target) if callable(files) else files:
            placed = data if isinstance(data, Placed) else target.place(rel, data, made)
            if placed.stat is None:
                continue
            hashes[rel] = placed.sha256
            written.append(rel)
        gone = [rel for rel in remove if rel != MANIFEST]
        for rel in gone:
            hashes.pop(rel, None)
            Path(out_dir, rel).unlink(missing_ok=True)
        temp = out_dir / f".{MANIFEST}.new"
        write_manifest(temp, hashes)
        os.replace(temp, out_dir / MANIFEST)
    except BaseException as error:
        for rel in written:
            if rel not in previous:
                _remove_with_empty_folders(out_dir, rel)
        if isinstance(error, OSError):
            where = getattr(error, "filename", None) or out_dir
            raise SiteError(f"cannot write the changes: {error.strerror or error}", path=where) from None
        raise
    return written, hashes, gone


def _remove_with_empty_folders(root: Path, rel: str) -> None:
    """`rel` under `root` removed, and each of its folders left empty by that."""
    Path(root, rel).unlink(missing_ok=True)
    folder = Path(root, rel).parent
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or gone
        folder = folder.parent


def _stage(out_dir: Path, failure: str) -> Path:
    """A new staging folder beside `out_dir`, after removing those killed builds left."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        sweep(out_dir)
        return new_folder(out_dir, "tmp")
    except OSError as error:
        raise SiteError(f"{failure}: {error.strerror or error}", path=out_dir.parent) from None


def make_folder(root: Path, rel: str, made: set[str]) -> None:
    """The folder of `rel` under `root` (string paths: thousands are made per build)."""
    folder = rel.rpartition("/")[0]
    if folder in made:
        return
    os.makedirs(f"{root}/{folder}", exist_ok=True)
    while folder not in made:
        made.add(folder)
        folder = folder.rpartition("/")[0]


def link_or_copy(source: str, target: str) -> None:
    """A hard link at `target` to `source`; a copy (mtime kept) where links are not possible."""
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        shutil.copy2(source, target)  # keeps the mtime the build state records


def tree_files(root: Path, prefix: str, *, within: Path | None = None,
               skip_dotfiles: bool = True) -> dict[str, Path]:
    """Files under `root` as {prefix/relative path: path}, for copying into the site.

    Dotfiles and files in dot-folders (`.gitkeep`, `.DS_Store`, `.git/`) are left
    out (unless `skip_dotfiles=False`: a bundle we wrote ourselves); so are folders
    reached through a symbolic link. `within`: the site folder; a symbolic link to
    anything outside it is refused (core/paths.py `walk`)."""
    return {f"{prefix}/{rel}": root / rel for rel in sorted(walk(root, within=within))
            if not skip_dotfiles or not any(part.startswith(".") for part in rel.split("/"))}


def _swap(new: Path, out_dir: Path) -> None:
    """`new` becomes `out_dir`; the old tree, if any, is then at `new` (for the caller to remove)."""
    os.chmod(new, 0o755)
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise SiteError("output path exists and is not a folder", path=out_dir)
    crash_point("swap")
    if not out_dir.exists():
        os.rename(new, out_dir)
    elif not exchange(new, out_dir):  # two renames: see swap.py
        old = new_folder(out_dir, "old", create=False)
        os.rename(out_dir, old)
        crash_point("between-renames")
        try:
            os.rename(new, out_dir)
        except OSError:
            os.rename(old, out_dir)
            raise
        discard(old)
    crash_point("swapped")


def check_output_target(out_dir: Path, site_root: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that is, or contains, the site root or a source folder."""
    out = out_dir.resolve()
    for keep in (site_root, *protected):
        keep = keep.resolve()
        if out == keep or out in keep.parents:
            raise SiteError(
                "refusing to build into a folder that holds the site's sources",
                path=out_dir,
                hint=f"it would replace {keep}; choose another --output",
            )

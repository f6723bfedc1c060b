"""Writing the files of content/, captures/ and public/: all or nothing.

(Only the caches in .liveblog/ are written elsewhere, and losing them costs
only time.) Two disciplines, both "prepare everything, then swap":

* `write_files_atomically` (content/ and captures/): every new file is
  written into a staging folder first; only when all of them are written are
  they moved into place with `os.replace`. A failure while moving rolls back
  what was already moved. Files whose bytes are unchanged are not touched.
* `publish` (public/): the whole site is rendered into a sibling temporary
  folder, then swapped in with two renames; a failed build leaves the old
  public/ as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.core.errors import SiteError
from generator.core.fixity import MANIFEST, sha256_bytes, write_manifest
from generator.core.paths import walk

# A rendered file: bytes, or a bytearray for a large one built piece by piece
# (written and hashed as it is, never copied).
Data = bytes | bytearray


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


def publish(files: Iterable[tuple[str, Data]], out_dir: Path
            ) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """Write a whole site into a temp folder beside `out_dir`, then swap it in.

    `files` is a stream of (relative path, bytes); it is consumed as it comes,
    so a large site is never held in memory. Every file's sha256 and (mtime,
    size) are recorded as it is written, and `manifest-sha256.txt` (BagIt
    style) is written last. Returns those two maps, the manifest included in
    the second only (the swap keeps modification times).
    """
    out_dir = out_dir.absolute()
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.tmp-", dir=parent))
    except OSError as error:
        raise SiteError(f"cannot create the output folder: {error.strerror or error}", path=parent) from None
    hashes: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    made: set[str] = set()
    try:
        for rel, data in files:
            _refuse_unsafe(temp, rel)
            if rel in hashes or rel == MANIFEST:
                raise SiteError(f"two outputs want the same path {rel!r}", path=out_dir)
            folder, _, _name = rel.rpartition("/")
            if folder not in made:
                (temp / folder).mkdir(parents=True, exist_ok=True)
                made.add(folder)
            with open(temp / rel, "wb") as handle:
                handle.write(data)
                handle.flush()
                stat = os.fstat(handle.fileno())
            stats[rel] = (stat.st_mtime_ns, stat.st_size)
            hashes[rel] = sha256_bytes(data)
        del made
        write_manifest(temp / MANIFEST, hashes)
        stat = (temp / MANIFEST).stat()
        stats[MANIFEST] = (stat.st_mtime_ns, stat.st_size)
        os.chmod(temp, 0o755)
        _swap(temp, out_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return hashes, stats


def update_in_place(
    files: Iterable[tuple[str, Data]],
    remove: Iterable[str],
    out_dir: Path,
    previous: dict[str, str],
) -> tuple[list[str], dict[str, str], list[str]]:
    """Incremental publish: stage the changed files, then move them into `out_dir`.

    `files` are rendered into a staging folder beside `out_dir` first; a file
    whose bytes equal what `previous` (path → sha256) recorded is skipped. Only
    when every file is staged are they moved in with `os.replace` (each move
    atomic), `remove` deleted and the manifest rewritten, so a failed render
    leaves `out_dir` exactly as it was. `remove` is read only after every file
is staged. Returns (paths written, all hashes, paths removed).
    """
    out_dir = out_dir.absolute()
    hashes = dict(previous)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as error:
        raise SiteError(f"cannot stage the changes: {error.strerror or error}", path=out_dir.parent) from None
    staged: list[str] = []
    try:
        for rel, data in files:
            _refuse_unsafe(stage, rel)
            digest = sha256_bytes(data)
            if previous.get(rel) == digest and (out_dir / rel).is_file():
                continue
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            hashes[rel] = digest
            staged.append(rel)
        gone = [rel for rel in remove if rel != MANIFEST]
        for rel in gone:
            hashes.pop(rel, None)
        write_manifest(stage / MANIFEST, hashes)
        # Everything rendered: now change out_dir.
        for rel in staged:
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, target)
        for rel in gone:
            (out_dir / rel).unlink(missing_ok=True)
            _prune_empty(out_dir, (out_dir / rel).parent)
        os.replace(stage / MANIFEST, out_dir / MANIFEST)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return staged, hashes, gone


def _prune_empty(root: Path, folder: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def tree_files(root: Path, prefix: str, *, within: Path | None = None) -> dict[str, Path]:
    """Files under `root` as {prefix/relative path: path}, for copying into the site.

    Dotfiles and files in dot-folders (`.gitkeep`, `.DS_Store`, `.git/`) are left
    out; so are folders reached through a symbolic link. `within`: the site
    folder; a symbolic link to anything outside it is refused (core/paths.py `walk`)."""
    return {f"{prefix}/{rel}": root / rel for rel in sorted(walk(root, within=within))
            if not any(part.startswith(".") for part in rel.split("/"))}


def _swap(new: Path, out_dir: Path) -> None:
    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir():
            raise SiteError("output path exists and is not a folder", path=out_dir)
        old = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.replace(out_dir, old)
        try:
            os.replace(new, out_dir)
        except OSError:
            os.replace(old, out_dir)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out_dir)


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

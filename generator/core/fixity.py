"""Fixity: sha256 of files and BagIt-style manifests (`<sha256>  <path>` lines, sorted)."""

from __future__ import annotations

import hashlib
from importlib import metadata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import SiteError
from generator.core.paths import PACKAGE, read_text_if_there

MANIFEST = "manifest-sha256.txt"
_CHUNK = 1 << 20


def sha256_bytes(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded(data: bytes, size: int, sha256: str, *, appendable: bool) -> bool:
    """Whether `data` holds the bytes a capture record fixed (`size`, `sha256`): the
    whole file; or, for an `appendable` file (a WARC, which `liveblog capture` grows
    record by record and never rewrites), its first `size` bytes."""
    if sha256_bytes(data) == sha256:
        return True
    return appendable and 0 < size < len(data) and sha256_bytes(data[:size]) == sha256


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_text(hashes: Mapping[str, str]) -> str:
    """`<sha256>  <path>` per file, sorted by path (as BagIt's manifest-sha256.txt)."""
    return "".join(manifest_lines(hashes))


def manifest_lines(hashes: Mapping[str, str]) -> Iterator[str]:
    """The manifest line by line (a 100,000-page site's is 12 MB: write it as it comes)."""
    for path in sorted(hashes):
        yield f"{hashes[path]}  {path}\n"


def write_manifest(target: Path, hashes: Mapping[str, str]) -> None:
    with target.open("w", encoding="utf-8") as handle:
        handle.writelines(manifest_lines(hashes))


def parse_manifest(text: str, source: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not path:
            raise SiteError("not a manifest line (expected '<sha256>  <path>')", path=source, line=number)
        hashes[path] = digest
    return hashes


def read_manifest(path: Path) -> dict[str, str] | None:
    text = read_text_if_there(path)
    return None if text is None else parse_manifest(text, path)


def tree_hashes(root: Path, *, skip: Iterable[str] = (MANIFEST,)) -> dict[str, str]:
    """sha256 of every file under root (relative POSIX paths), dotfiles included."""
    skipped = set(skip)
    return {
        rel: sha256_file(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (rel := path.relative_to(root).as_posix()) not in skipped
    }


@dataclass(frozen=True, slots=True)
class FixityReport:
    checked: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    altered: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.altered)


def compare(recorded: Mapping[str, str], actual: Mapping[str, str]) -> FixityReport:
    return FixityReport(
        checked=len(recorded),
        missing=tuple(sorted(set(recorded) - set(actual))),
        extra=tuple(sorted(set(actual) - set(recorded))),
        altered=tuple(sorted(p for p in recorded if p in actual and actual[p] != recorded[p])),
    )


def engine_fingerprint() -> str:
    """A hash of liveblog's own code (every module of the package) and of the versions
    of the libraries that shape its output: what build caches are keyed by."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("jinja2", "markupsafe", "nh3", "cmarkgfm", "pyyaml", "python-slugify"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()[:32]

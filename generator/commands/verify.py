"""`liveblog verify`: fixity of captures, content and a built site.

Fixity: every raw capture against captures/manifest-sha256.txt and against
the sha256 each blog recorded for it; every archived image against
media/manifest-sha256.txt and against the sha256 its name says
(media/<sha256>.jpg); every content file against content/manifest-sha256.txt;
every file of a built site against its manifest-sha256.txt. Missing, extra
and altered files are named.

Faithfulness (`--coverage`) is commands/coverage.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.config import Config
from generator.content.read import read_blog
from generator.core.paths import BLOG_FILE, CAPTURES_DIR, CONTENT_DIR, MEDIA_DIR
from generator.core.errors import Problem, SiteError
from generator.core.fixity import MANIFEST, FixityReport, compare, read_manifest, recorded, tree_hashes
from generator.core.media import named_sha256


@dataclass(frozen=True, slots=True)
class VerifyReport:
    findings: tuple[Problem, ...]
    checked: dict[str, int] = field(default_factory=dict)  # what was checked: label -> files

    @property
    def ok(self) -> bool:
        return not self.findings


def _fixity_findings(report: FixityReport, prefix: str, manifest: str) -> Iterator[Problem]:
    for path in report.missing:
        yield Problem(prefix + path, f"missing (listed in {manifest})")
    for path in report.extra:
        yield Problem(prefix + path, f"extra (not in {manifest})")
    for path in report.altered:
        yield Problem(prefix + path, f"altered (sha256 differs from {manifest})")


def verify_tree(root: Path, label: str, actual: dict[str, str] | None = None, *,
                placeholders: bool = True) -> tuple[list[Problem], int]:
    """A folder against its own manifest-sha256.txt (`actual`: its files' hashes, when
    the caller has them). `placeholders`: leave out `.gitkeep` and `.DS_Store` files (in
    the source folders git and Finder put them there; a built site has none, so there
    every file not in the manifest is named, whatever its name)."""
    manifest = root / MANIFEST
    recorded = read_manifest(manifest)
    prefix = f"{label}/"
    if actual is None:
        actual = tree_hashes(root, skip=(MANIFEST,) + (_ignored(root) if placeholders else ()))
    if recorded is None:
        if not actual:
            return [], 0  # nothing imported yet: nothing to verify
        return [Problem(f"{label}/{MANIFEST}", "missing: cannot verify this folder")], 0
    report = compare(recorded, actual)
    return list(_fixity_findings(report, prefix, f"{label}/{MANIFEST}")), report.checked


def _ignored(root: Path) -> tuple[str, ...]:
    return tuple(p.relative_to(root).as_posix() for p in root.rglob(".*") if p.is_file()
                 and p.name in (".gitkeep", ".DS_Store"))


def verify_sources(config: Config) -> VerifyReport:
    """captures/ and content/ against their manifests and the hashes each blog recorded."""
    root = config.root
    findings: list[Problem] = []
    checked: dict[str, int] = {}
    captures_dir, content_dir = root / CAPTURES_DIR, root / CONTENT_DIR
    checked["captures"] = checked["content files"] = 0
    if captures_dir.is_dir():
        found, count = verify_tree(captures_dir, "captures")
        findings += found
        checked["captures"] = count
    if (root / MEDIA_DIR).is_dir():
        found, count = verify_media(root / MEDIA_DIR)
        findings += found
        checked["media files"] = count
    if content_dir.is_dir():
        found, count = verify_tree(content_dir, "content")
        findings += found
        checked["content files"] = count
        for blog_file in sorted(content_dir.glob(f"*/{BLOG_FILE}")):
            try:
                blog = read_blog(blog_file)
            except SiteError as error:
                findings.append(Problem(error.path or str(blog_file), f"unreadable: {error.message}"))
                continue
            for record in blog.captures:
                path = root / record.file
                if not path.is_file():
                    findings.append(Problem(record.file, f"missing (recorded in {blog.source})"))
                elif not recorded(path.read_bytes(), record.size, record.sha256,
                                  appendable=record.format == "warc"):
                    findings.append(Problem(record.file, f"altered (sha256 differs from {blog.source})"))
    return VerifyReport(tuple(findings), checked)


def verify_media(media_dir: Path) -> tuple[list[Problem], int]:
    """media/ against its manifest, and each image against the sha256 its name says
    (which holds even when file and manifest were both rewritten)."""
    actual = tree_hashes(media_dir, skip=(MANIFEST,) + _ignored(media_dir))
    findings, count = verify_tree(media_dir, MEDIA_DIR, actual)
    named = {f.where for f in findings}
    for name, digest in actual.items():
        expected = named_sha256(name)
        if expected is not None and f"{MEDIA_DIR}/{name}" not in named and digest != expected:
            findings.append(Problem(f"{MEDIA_DIR}/{name}", "altered (its sha256 is not the one its name says)"))
    return findings, count


def verify_site(public: Path) -> VerifyReport:
    if not public.is_dir():
        raise SiteError("no built site here", path=public, hint="run `liveblog build` first")
    findings, count = verify_tree(public, public.name, placeholders=False)
    return VerifyReport(tuple(findings), {f"{public.name} files": count})

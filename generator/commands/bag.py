"""`liveblog export-bag DIR`: the archive as a BagIt bag (RFC 8493).

We use the Library of Congress's `bagit` package rather than writing
manifests by hand: BagIt has details (tag manifests, Payload-Oxum,
bag-info.txt encoding) that other archives' validators check, and `bagit`
is the reference implementation they are tested against. The payload is
what re-derives the site: captures/, media/ (the archived images), content/
and site.toml (and public/ with --with-site). The bag is made in a temporary folder and moved into
place only when complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bagit

from generator import __version__
from generator.core.config import CONFIG_NAME, Config
from generator.core.paths import CAPTURES_DIR, CONTENT_DIR, MEDIA_DIR, OUTPUT_DIR, walk
from generator.core.errors import SiteError


@dataclass(frozen=True, slots=True)
class BagReport:
    path: Path
    files: int
    bytes: int


def export_bag(config: Config, target: Path, *, with_site: bool = False) -> BagReport:
    root = config.root
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SiteError("the bag folder exists and is not empty", path=target)
    parts = [root / CAPTURES_DIR, root / MEDIA_DIR, root / CONTENT_DIR, root / CONFIG_NAME]
    if with_site:
        if not (root / OUTPUT_DIR).is_dir():
            raise SiteError("no built site to include", path=root / OUTPUT_DIR,
                            hint="run `liveblog build` first")
        parts.append(root / OUTPUT_DIR)
    for part in parts:
        walk(part, within=root)  # a symbolic link out of the site is refused, never copied
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as error:
        raise SiteError(f"cannot create the bag here: {error.strerror or error}", path=target) from None
    try:
        for part in parts:
            if part.is_dir():
                shutil.copytree(part, temp / part.name)
            elif part.is_file():
                shutil.copy2(part, temp / part.name)
        bag = bagit.make_bag(str(temp), {
            "Source-Organization": config.title,
            "External-Description": f"{config.title}: captured live blogs, their Markdown content "
                                    "and site configuration, as kept by liveblog.",
            "External-Identifier": config.base_url,
            "Bag-Software-Agent": f"liveblog {__version__} (bagit {bagit.VERSION})",
        }, checksums=["sha256"])
        bag.validate()
        oxum = bag.info["Payload-Oxum"]
        size, files = (int(n) for n in oxum.split("."))
        if target.exists():
            target.rmdir()
        os.replace(temp, target)
    except (OSError, bagit.BagError) as error:
        shutil.rmtree(temp, ignore_errors=True)
        raise SiteError(f"cannot make the bag: {error}", path=target) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return BagReport(path=target, files=files, bytes=size)

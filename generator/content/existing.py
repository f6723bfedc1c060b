"""What content/ already holds of one blog, as an import needs it.

Lenient on purpose: a post file the importer cannot match (no id, no time)
is left to `liveblog build`, which names its problem; the import neither
stops on it nor overwrites it unless a merged post claims its id. Each file
is read and split once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content.merge import ExistingPost
from generator.content.read import read_blog
from generator.core import frontmatter
from generator.core.model import Blog
from generator.core.paths import BLOG_FILE, read_text


@dataclass(frozen=True, slots=True)
class PostFile:
    """A post file as it is on disk: its front matter and its whole text."""

    meta: Mapping[str, Any]
    text: str


@dataclass(frozen=True, slots=True)
class ExistingBlog:
    blog: Blog | None  # its _blog.md, None before the first import
    posts: tuple[ExistingPost, ...]  # what merging matches new copies against
    files: Mapping[str, PostFile]  # by post id
    names: frozenset[str]  # every post file name in the folder


@dataclass(frozen=True, slots=True)
class KnownBlog:
    """A blog folder of content/, as far as telling which blog a capture is of needs."""

    folder: str
    blog: Blog
    post_ids: frozenset[str]  # its post files' names, without .md (ids, as the importer names them)


def known_blogs(content_dir: Path) -> list[KnownBlog]:
    """Every blog folder under `content_dir` that has a _blog.md, in name order."""
    found: list[KnownBlog] = []
    for blog_path in sorted(content_dir.glob(f"*/{BLOG_FILE}")) if content_dir.is_dir() else ():
        if blog_path.parent.name.startswith("."):
            continue
        ids = frozenset(p.stem for p in blog_path.parent.glob("*.md") if p.name != BLOG_FILE)
        found.append(KnownBlog(blog_path.parent.name, read_blog(blog_path), ids))
    return found


def post_ids_by_blog(content_dir: Path) -> dict[str, frozenset[str]]:
    """Every blog folder's post ids (its post files' names, as the importer names them)."""
    found: dict[str, frozenset[str]] = {}
    for folder in sorted(content_dir.iterdir()) if content_dir.is_dir() else ():
        if folder.is_dir() and not folder.name.startswith("."):
            found[folder.name] = frozenset(p.stem for p in folder.glob("*.md") if p.name != BLOG_FILE)
    return found


def read_existing(blog_dir: Path) -> ExistingBlog:
    blog_path = blog_dir / BLOG_FILE
    blog = read_blog(blog_path) if blog_path.is_file() else None
    posts: list[ExistingPost] = []
    files: dict[str, PostFile] = {}
    names: set[str] = set()
    for path in sorted(blog_dir.glob("*.md")) if blog_dir.is_dir() else ():
        if path.name == BLOG_FILE:
            continue
        names.add(path.name)
        text = read_text(path)
        meta, body, _line = frontmatter.split(text, path)
        post_id, published = meta.get("id"), meta.get("published")
        if not isinstance(post_id, str) or not isinstance(published, datetime):
            continue  # not ours to match; `liveblog build` reports it
        sources = meta.get("captures")
        posts.append(ExistingPost(
            id=post_id, published=published, title=str(meta.get("title", "")), text=body.strip(),
            sources=tuple(str(s) for s in sources) if isinstance(sources, list) else (),
            source_id=meta["source_id"] if isinstance(meta.get("source_id"), str) else None,
        ))
        files[post_id] = PostFile(meta, text)
    return ExistingBlog(blog, tuple(posts), files, frozenset(names))

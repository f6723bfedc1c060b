#!/usr/bin/env python3
"""Write a synthetic archive of N live-blog posts over DAYS days.

    bench/synth.py N DAYS [--seed S] [--out DIR] [--start 2023-01-01]
                          [--format liveblog|pelican|hugo|all]

The same posts are written, from one deterministic plan, as

* DIR/liveblog: a liveblog site (site.toml, content/<blog>/_blog.md and one
  Markdown file per post, the content format of /work/shared/DESIGN.md);
* DIR/pelican:  a Pelican 4 project (pelicanconf.py, content/<blog>/*.md)
  producing per-post pages, per-day archives, per-tag pages, per-blog
  (category) pages and feeds, at the same URLs as liveblog's;
* DIR/hugo:     a Hugo project for Hugo 0.111 (hugo.toml, minimal layouts,
  `tags`, `days` and `blogs` taxonomies) producing the same page set.

DIR/manifest.json describes what was written (counts, probe posts whose
pages the benchmark checks, the post it edits). Same arguments, same bytes:
everything comes from one `random.Random(seed)`, and the text corpus is
derived from captures/*.txt (a built-in vocabulary when there are none).

Only the standard library is used, so this runs under any Python 3.11.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
NY = ZoneInfo("America/New_York")
BASE_URL = "https://example.github.io/liveblog-archive/"
FORMATS = ("liveblog", "pelican", "hugo")

# ---------------------------------------------------------------- pools

SERIES = [
    "Russia-Ukraine news", "Israel-Hamas war", "US election", "Markets today",
    "Winter storm", "World Cup", "Canada wildfires", "Supreme Court", "Congress",
    "Climate summit", "Turkey earthquake", "Royal family", "Tech layoffs",
    "Hurricane season", "Trump indictment", "France protests", "China economy",
    "Middle East", "Space launch", "Banking crisis",
]
REGIONS = [
    "Ukraine", "Russia", "Gaza", "Israel", "China", "Taiwan", "India", "Brazil",
    "Mexico", "Canada", "France", "Germany", "Britain", "Japan", "Iran", "Sudan",
    "Nigeria", "Australia",
]
SUBJECTS = [
    "politics", "economy", "energy", "elections", "weather", "protests",
    "diplomacy", "security", "health", "courts",
]
# ~200 topics: the 20 series (each blog's series is its posts' first topic)
# and 180 "Region subject" topics.
TOPICS = SERIES + [f"{region} {subject}" for region in REGIONS for subject in SUBJECTS]

FIRST = [
    "Anna", "Ben", "Carlos", "Dana", "Elena", "Farid", "Grace", "Hiro", "Ines",
    "Jamal", "Kate", "Luis", "Maria", "Nadia", "Omar", "Priya", "Quinn", "Rosa",
    "Sam", "Tara", "Uliana", "Victor", "Wei", "Yara", "Zoe",
]
LAST = [
    "Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Gak", "Haddad",
    "Ivanova", "Jones", "Kostenko", "Lopez", "Meyer", "Nguyen", "Okafor",
    "Pavlova", "Quint", "Reyes", "Smith", "Tanaka", "Usman", "Vogt", "Wedeman",
    "Yilmaz",
]
PLACES = [
    "Kyiv", "Moscow", "Jerusalem", "Washington", "London", "Paris", "Hong Kong",
    "Istanbul", "eastern Ukraine", "New York", "Brussels", "Beijing", "Tokyo",
    "Berlin", "Toronto", "Nairobi", "Mexico City", "Sao Paulo",
]
AGENCIES = ["Getty Images", "AP", "Reuters", "AFP/Getty Images", "CNN", "Bloomberg/Getty Images"]
LEAD_INS = [
    "Some context:", "What we know:", "Catch up:", "Why it matters:",
    "Key background:", "The latest:", "Remember:", "On the ground:",
]
FALLBACK_TEXT = """
Officials said on Saturday that the situation remained tense as rescue teams
worked through the night. The minister told reporters the government would
review its plans in the coming days. Residents described long lines at the
border and a shortage of fuel in several towns. Analysts say the decision
could reshape the region for years. The agency confirmed that talks would
resume next week after a pause. Witnesses reported hearing explosions near
the city center shortly before dawn. Markets fell sharply in early trading
before recovering some losses by the afternoon. The president is expected to
address the nation later on Sunday evening.
"""

_MD_SPECIAL = re.compile(r"[*_#<>\[\]`|\\{}~]")
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$|^[A-Za-z]$")
_TIMESTAMP = re.compile(r"^\d{1,2}:\d{2} [ap]\.m\. [A-Z]{2,4}, ")


@dataclass(slots=True)
class Corpus:
    sentences: list[str]  # whole sentences, safe as Markdown paragraphs
    tokens: list[str]  # running-text tokens, with frequency, for synthetic sentences
    words: list[str]  # ASCII words, for titles and slugs


def load_corpus(capture_dir: Path | None = None) -> Corpus:
    """Sentences and words from the captures (sorted, so the result is stable)."""
    capture_dir = capture_dir or ROOT / "captures"
    texts = []
    if capture_dir.is_dir():
        for path in sorted(capture_dir.glob("*.txt")):
            if path.name.startswith("manifest"):
                continue
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    text = "\n".join(texts) if texts else FALLBACK_TEXT.replace("\n", " ")
    paragraphs = []
    for line in text.splitlines():
        line = " ".join(line.replace("\u00a0", " ").split())
        if len(line.split()) >= 8 and not _TIMESTAMP.match(line):
            paragraphs.append(line)
    sentences, seen = [], set()
    for para in paragraphs:
        for sentence in re.split(r"(?<=[.!?”\"])\s+(?=[“\"A-Z])", para):
            sentence = sentence.strip()
            if (len(sentence.split()) >= 6 and sentence not in seen and not _MD_SPECIAL.search(sentence)
                    and (sentence[0].isupper() or sentence[0] in "“\"") and sentence[-1] in ".!?”\""
                    and not sentence.startswith(("From CNN", "By ")) and sentence.count("(") == sentence.count(")")):
                seen.add(sentence)
                sentences.append(sentence)
    tokens = [t for para in paragraphs for t in para.split() if not _MD_SPECIAL.search(t)]
    words = [t.strip(".,;:!?()\"“”’'") for t in tokens]
    words = [w for w in words if _WORD.match(w)]
    if len(sentences) < 5 or len(words) < 50:
        return load_corpus(Path("/nonexistent")) if texts else Corpus(
            sentences or ["Officials said the situation remained tense."], tokens, words)
    return Corpus(sentences, tokens, words)


# ---------------------------------------------------------------- the plan


@dataclass(slots=True)
class SPost:
    id: str
    slug: str  # HHMM-title-slug: the last URL segment in every tool
    title: str
    published: datetime  # aware, America/New_York
    byline: str | None
    authors: list[str]
    location: str | None
    topics: list[str]
    blog: str
    position: int
    body: str

    @property
    def day(self) -> date:
        return self.published.date()

    @property
    def url(self) -> str:
        return f"{self.day:%Y/%m/%d}/{self.slug}/"


@dataclass(slots=True)
class SBlog:
    slug: str
    title: str
    series: str
    date: date
    authors: list[str]
    posts: list[SPost] = field(default_factory=list)


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII text (our titles are) → lower-case hyphenated slug cut at a word."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "post"


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` into len(weights) integers proportional to weights (largest remainder)."""
    wsum = sum(weights)
    exact = [total * w / wsum for w in weights]
    counts = [int(x) for x in exact]
    rest = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[:rest]:
        counts[i] += 1
    return counts


class Planner:
    def __init__(self, n: int, days: int, seed: int, start: date, corpus: Corpus) -> None:
        self.n, self.days, self.start, self.corpus = n, days, start, corpus
        self.rng = random.Random(seed)
        self.ids: set[str] = set()
        self.urls: set[str] = set()
        rng = self.rng
        self.people = sorted({f"{f} {l}" for f in FIRST for l in LAST})
        rng.shuffle(self.people)
        self.people = self.people[:80]
        # Zipf-like popularity: a few topics are very common (paginated topic pages).
        self.pool = [t for t in TOPICS if t not in SERIES]
        rng.shuffle(self.pool)
        self.pool_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.pool))]
        self.pool_cum = list(_cumulative(self.pool_weights))

        # A pool of sentences drawn once: the corpus's own (about 70% of the
        # pool) and synthetic ones made of its words; posts pick from it with
        # one random number per sentence, which keeps 100,000 posts fast.
        self.sentences = self._sentence_pool(5000)
        self.sentence_words = [len(x.split()) for x in self.sentences]

    # ------------------------------------------------------------ text
    def _sentence_pool(self, synthetic: int) -> list[str]:
        rng, corpus = self.rng, self.corpus
        pool: list[str] = []
        for _ in range(synthetic):
            words = rng.choices(corpus.tokens, k=rng.randint(8, 24))
            first = next((i for i, w in enumerate(words) if w[0].isalpha()), None)
            if first is None or len(words) - first < 4:
                continue
            words = words[first:]
            words[0] = words[0][0].upper() + words[0][1:]
            pool.append(" ".join(words).rstrip(",;:").rstrip(".") + ".")
        repeat = max(1, round(len(pool) * 7 / 3 / len(corpus.sentences)))
        return pool + corpus.sentences * repeat

    def sentence(self) -> tuple[str, int]:
        i = int(self.rng.random() * len(self.sentences))
        return self.sentences[i], self.sentence_words[i]

    def title(self) -> str:
        words = self.rng.choices(self.corpus.words, k=self.rng.randint(6, 13))
        title = " ".join(words)
        return title[0].upper() + title[1:]

    def person(self) -> str:
        return self.rng.choice(self.people)

    def figure(self) -> str:
        rng = self.rng
        caption = html.escape(rng.choice(self.corpus.sentences), quote=False)
        credit = html.escape(f"{self.person()}/{rng.choice(AGENCIES)}", quote=False)
        return ('<figure class="photo">\n'
                f'<figcaption><span class="caption">{caption}</span> '
                f'<span class="credit">{credit}</span></figcaption>\n'
                "</figure>")

    def body(self) -> str:
        rng = self.rng
        rand = rng.random
        sentence = self.sentence
        target = int(rng.triangular(150, 600, 280))
        paragraphs: list[str] = []
        words = 0
        while words < target:
            if rand() < 0.04 and paragraphs:
                items = [sentence() for _ in range(2 + int(rand() * 3))]
                paragraphs.append("\n".join(f"- {text}" for text, _ in items))
                words += sum(count for _, count in items)
                continue
            sents = [sentence() for _ in range(1 + int(rand() * 3))]
            para = " ".join(text for text, _ in sents)
            words += sum(count for _, count in sents)
            if rand() < 0.12:
                para = f"**{LEAD_INS[int(rand() * len(LEAD_INS))]}** {para}"
            paragraphs.append(para)
        if rand() < 0.3:
            paragraphs.insert(rng.randint(0, len(paragraphs)), self.figure())
        if rand() < 0.05:
            paragraphs.append(rng.choice(["Read more here.", "Watch more:"]))
        return "\n\n".join(paragraphs)

    def topics(self, series: str) -> list[str]:
        k = self.rng.choices((0, 1, 2, 3), weights=(15, 35, 30, 20))[0]
        chosen = [series]
        for _ in range(k * 3):
            if len(chosen) > k:
                break
            topic = self.rng.choices(self.pool, cum_weights=self.pool_cum)[0]
            if topic not in chosen:
                chosen.append(topic)
        return chosen

    # ------------------------------------------------------------ time
    def instants(self, day: date, count: int) -> list[datetime]:
        """`count` publication times on local `day`, minute precision, DST-correct.

        Drawn as UTC instants between the day's local midnights (a day is 23 h,
        24 h or 25 h long), so 01:30 twice on a fall-back day and nothing at
        02:30 on a spring-forward day come out right; some near midnight.
        """
        rng = self.rng
        lo = datetime(day.year, day.month, day.day, tzinfo=NY).timestamp()
        nxt = day + timedelta(days=1)
        hi = datetime(nxt.year, nxt.month, nxt.day, tzinfo=NY).timestamp()
        dst_day = hi - lo != 86400
        out = []
        for i in range(count):
            r = rng.random()
            if dst_day and i < 4:
                t = rng.uniform(lo + 3600, lo + 4 * 3600)  # around the 2 a.m. change
            elif r < 0.07:
                t = rng.uniform(hi - 1800, hi - 60)  # just before midnight
            elif r < 0.12:
                t = rng.uniform(lo, lo + 1800)  # just after midnight
            else:
                t = rng.uniform(lo + 5 * 3600, hi - 1800)
            t = int(t) // 60 * 60
            out.append(datetime.fromtimestamp(t, timezone.utc).astimezone(NY))
        return out

    # ------------------------------------------------------------ plan
    def plan(self) -> list[SBlog]:
        rng = self.rng
        days = [self.start + timedelta(days=i) for i in range(self.days)]
        per_day = _allocate(self.n, [rng.uniform(0.5, 1.5) for _ in days])
        blogs: list[SBlog] = []
        for day, count in zip(days, per_day):
            if count == 0:
                continue
            nblogs = min(count, max(2, round(count / 40)) + rng.randint(0, 2), len(SERIES))
            series_today = rng.sample(SERIES, nblogs)
            sizes = _allocate(count, [rng.uniform(0.3, 1.7) for _ in series_today])
            for series, size in zip(series_today, sizes):
                if size == 0:
                    continue
                blogs.append(self.blog(day, series, size))
        return blogs

    def blog(self, day: date, series: str, size: int) -> SBlog:
        rng = self.rng
        slug = f"{day.isoformat()}-{slugify(series)}"
        authors = sorted({self.person() for _ in range(rng.randint(2, 4))})
        blog = SBlog(slug=slug, title="", series=series, date=day, authors=authors)
        times = sorted(self.instants(day, size))
        for published in times:
            blog.posts.append(self.post(blog, published))
        # Position: order in the capture, newest first as live blogs show them.
        for position, post in enumerate(reversed(blog.posts), start=1):
            post.position = position
        blog.title = blog.posts[-1].title
        return blog

    def post(self, blog: SBlog, published: datetime) -> SPost:
        rng = self.rng
        title = self.title()
        hhmm = f"{published:%H%M}"
        base = slugify(title)
        slug, n = f"{hhmm}-{base}", 1
        while f"{published.date()}/{slug}" in self.urls:
            n += 1
            slug = f"{hhmm}-{base}-{n}"
        self.urls.add(f"{published.date()}/{slug}")
        post_id = f"{published.date().isoformat()}-{slug}"
        while post_id in self.ids:  # ids are global, URLs per day: cannot clash, but be safe
            post_id += "-x"
        self.ids.add(post_id)
        authors = [self.person() for _ in range(rng.choices((1, 2, 3), weights=(6, 3, 1))[0])]
        authors = list(dict.fromkeys(authors))
        location = rng.choice(PLACES) if rng.random() < 0.6 else None
        if rng.random() < 0.1:
            byline = None
        else:
            names = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]
            byline = f"From CNN's {names}" + (f" in {location}" if location else "")
        return SPost(id=post_id, slug=slug, title=title, published=published, byline=byline,
                     authors=authors, location=location, topics=self.topics(blog.series),
                     blog=blog.slug, position=0, body=self.body())


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def plan(n: int, days: int, seed: int = 1, start: date = date(2023, 2, 1),
         corpus: Corpus | None = None) -> list[SBlog]:
    return Planner(n, days, seed, start, corpus or load_corpus()).plan()


# ---------------------------------------------------------------- YAML / TOML helpers

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 '’.,/()-]*[A-Za-z0-9.)]$")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def yaml_str(value: str, *, in_list: bool = False) -> str:
    plain = (_PLAIN.match(value) and value.lower() not in _RESERVED
             and not (in_list and ("," in value or "(" in value)))
    return value if plain else json.dumps(value, ensure_ascii=False)


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_str(v, in_list=True) for v in values) + "]"


def q(value: str) -> str:
    """A TOML basic string (JSON's escaping is a subset TOML accepts)."""
    return json.dumps(value, ensure_ascii=False)


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write(path: str | Path, text: str) -> None:
    """Write a file with two system calls (100,000s of them: io.open is the cost)."""
    fd = os.open(path, _FLAGS, 0o644)
    try:
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# ---------------------------------------------------------------- liveblog

SITE_TOML = f"""# Synthetic benchmark site written by bench/synth.py
title = "Synthetic live blog archive"
description = "Synthetic live blogs for benchmarking."
base_url = "{BASE_URL}"
language = "en"
timezone = "America/New_York"
post_order = "newest-first"
feed_items = 50
posts_per_page = 50

[zones]
ET = "America/New_York"
"""


def liveblog_post(post: SPost) -> str:
    lines = ["---", f"id: {post.id}", f"title: {yaml_str(post.title)}",
             f"published: {iso(post.published)}"]
    if post.byline:
        lines.append(f"byline: {yaml_str(post.byline)}")
    lines.append(f"authors: {yaml_list(post.authors)}")
    if post.location:
        lines.append(f"location: {yaml_str(post.location)}")
    lines += [f"topics: {yaml_list(post.topics)}", f"blog: {post.blog}",
              f"position: {post.position}", "---", "", post.body, ""]
    return "\n".join(lines)


def liveblog_blog(blog: SBlog) -> str:
    updated = max(p.published for p in blog.posts)
    return "\n".join([
        "---",
        f"title: {yaml_str(blog.title)}",
        f"series: {yaml_str(blog.series)}",
        f"date: {blog.date.isoformat()}",
        f"authors: {yaml_list(blog.authors)}",
        "outlet: CNN",
        f"updated: {iso(updated)}",
        f"declared_posts: {len(blog.posts)}",
        f"archived_posts: {len(blog.posts)}",
        "partial: false",
        f"source_url: https://news.example/live-news/{blog.slug}/",
        f"captured_at: {iso(updated + timedelta(hours=2))}",
        "---",
        "",
    ])


def write_liveblog(root: Path, blogs: list[SBlog]) -> None:
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "static").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    content = root / "content"
    for blog in blogs:
        folder = content / blog.slug
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / "_blog.md", liveblog_blog(blog))
        prefix = f"{folder}/"
        for post in blog.posts:
            write(f"{prefix}{post.id}.md", liveblog_post(post))


def liveblog_path(root: Path, post: SPost) -> Path:
    return root / "content" / post.blog / f"{post.id}.md"


# ---------------------------------------------------------------- Pelican

PELICANCONF = f'''# Synthetic benchmark site written by bench/synth.py (Pelican 4.x)
import os

AUTHOR = "Synthetic News"
SITENAME = "Synthetic live blog archive"
SITEURL = "{BASE_URL.rstrip("/")}"
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y %-I:%M %p"

# The default theme (notmyidea), copied into ./theme by bench/synth.py when
# Pelican is installed (so the benchmark can edit one template), with a day
# archive template that shows whole posts; the built-in theme otherwise.
_here = os.path.dirname(os.path.abspath(__file__))
THEME = os.path.join(_here, "theme") if os.path.isdir(os.path.join(_here, "theme")) else "notmyidea"

# Never delete the output folder: the benchmark chooses a fresh one for a cold build.
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_RETENTION = []

# Pelican's own incremental help: cache parsed content between builds.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"

# Same URLs as liveblog: YYYY/MM/DD/HHMM-slug/, YYYY/MM/DD/, topics/<slug>/, live/<blog>/.
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/index.html"
DAY_ARCHIVE_URL = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/"
DAY_ARCHIVE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/index.html"
MONTH_ARCHIVE_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
TAG_URL = "topics/{{slug}}/"
TAG_SAVE_AS = "topics/{{slug}}/index.html"
TAGS_URL = "topics/"
TAGS_SAVE_AS = "topics/index.html"
CATEGORY_URL = "live/{{slug}}/"
CATEGORY_SAVE_AS = "live/{{slug}}/index.html"
CATEGORIES_URL = "live/"
CATEGORIES_SAVE_AS = "live/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
PAGE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "categories"]
USE_FOLDER_AS_CATEGORY = False
# Categories are the live blogs (thousands of them): notmyidea would list
# every one in the menu of every page.
DISPLAY_CATEGORIES_ON_MENU = False
DISPLAY_PAGES_ON_MENU = False

DEFAULT_PAGINATION = 50
PAGINATED_TEMPLATES = {{"index": None, "tag": None, "category": None}}
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)

# Feeds: the whole site and one per topic, RSS 2.0, full content, 50 items.
FEED_DOMAIN = SITEURL
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = None
TAG_FEED_RSS = "topics/{{slug}}/feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = False

MARKDOWN = {{"extension_configs": {{"markdown.extensions.extra": {{}}}}, "output_format": "html5"}}
'''


def pelican_post(post: SPost) -> str:
    head = [
        f"Title: {post.title}",
        f"Date: {iso(post.published)}",
        f"Slug: {post.slug}",
        f"Category: {post.blog}",
        f"Tags: {', '.join(post.topics)}",
        f"Authors: {', '.join(post.authors)}",
    ]
    if post.byline:
        head.append(f"Byline: {post.byline}")
    if post.location:
        head.append(f"Location: {post.location}")
    return "\n".join(head) + "\n\n" + post.body + "\n"


def write_pelican(root: Path, blogs: list[SBlog]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    copy_pelican_theme(root)
    for blog in blogs:
        folder = root / "content" / blog.slug
        folder.mkdir(parents=True, exist_ok=True)
        prefix = f"{folder}/"
        for post in blog.posts:
            write(f"{prefix}{post.id}.md", pelican_post(post))


def copy_pelican_theme(root: Path) -> bool:
    """Copy Pelican's default theme into root/theme (when Pelican is importable)."""
    target = root / "theme"
    if target.is_dir():
        return True
    import importlib.util
    spec = importlib.util.find_spec("pelican")
    if spec is None or not spec.submodule_search_locations:
        return False
    source = Path(list(spec.submodule_search_locations)[0]) / "themes" / "notmyidea"
    if not source.is_dir():
        return False
    shutil.copytree(source, target)
    # Day pages carry every post in full, as liveblog's and Hugo's do (the
    # theme's own day archive lists only titles).
    (target / "templates" / "period_archives.html").write_text(PELICAN_DAY_TEMPLATE, encoding="utf-8")
    return True


PELICAN_DAY_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ period | reverse | join(' ') }} - {{ SITENAME }}{% endblock %}
{% block content %}
    <section id="content" class="body">
        <h1>Archives for {{ period | reverse | join(' ') }}</h1>
        {% for article in dates %}
        <article class="hentry" id="{{ article.slug }}">
            <header>
                <h2 class="entry-title"><a href="{{ SITEURL }}/{{ article.url }}" rel="bookmark">{{ article.title }}</a></h2>
            </header>
            <div class="entry-content">
                {% include 'article_infos.html' %}
                {{ article.content }}
            </div>
        </article>
        {% endfor %}
    </section>
{% endblock %}
"""


def pelican_path(root: Path, post: SPost) -> Path:
    return root / "content" / post.blog / f"{post.id}.md"


# ---------------------------------------------------------------- Hugo (0.111)

HUGO_TOML = f'''# Synthetic benchmark site written by bench/synth.py, for Hugo 0.111 (Debian 12).
baseURL = "{BASE_URL}"
languageCode = "en"
title = "Synthetic live blog archive"
timeZone = "America/New_York"
paginate = 50
enableRobotsTXT = true
disableKinds = ["section"]   # no /posts/ list: liveblog has none

[taxonomies]
  tag = "tags"
  day = "days"
  blog = "blogs"

# Same URLs as liveblog. Hugo has no day archives: each post carries a `days`
# term (its local date), and the term page is the day page.
[permalinks]
  posts = "/:year/:month/:day/:slug/"
  tags = "/topics/:slug/"
  blogs = "/live/:slug/"
  days = "/:year/:month/:day/"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
  page = ["HTML"]

[outputFormats.RSS]
  baseName = "feed"

[services.rss]
  limit = 50

[markup.goldmark.renderer]
  unsafe = true
'''

# Links to a post's terms are built from its front matter: `.GetTerms` in
# Hugo 0.111 scans every term of the taxonomy, which made 10,000 posts take
# minutes instead of seconds.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats -}}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end -}}
</head>
<body>
<header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a> · <a href="{{ "topics/" | relURL }}">Topics</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><a href="{{ "feed.xml" | relURL }}">RSS</a></footer>
</body>
</html>
""",
    "partials/card.html": """<article class="post" id="{{ .Slug }}">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "3:04 p.m. MST, January 2, 2006" }}</time>{{ with .Params.byline }} · {{ . }}{{ end }}</p>
{{ .Content }}
<p class="topics">{{ range .Params.tags }}<a href="{{ printf "topics/%s/" (urlize .) | relURL }}">{{ . }}</a> {{ end }}</p>
</article>
""",
    "_default/single.html": """{{ define "main" }}
<article class="post single">
<p class="kicker">{{ range .Params.blogs }}<a href="{{ printf "live/%s/" (urlize .) | relURL }}">{{ . }}</a>{{ end }}</p>
<h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "3:04 p.m. MST, January 2, 2006" }}</time>{{ with .Params.byline }} · {{ . }}{{ end }}</p>
<div class="body">
{{ .Content }}
</div>
<footer>
<p class="topics">{{ range .Params.tags }}<a href="{{ printf "topics/%s/" (urlize .) | relURL }}">{{ . }}</a> {{ end }}</p>
<p><a href="{{ .Date.Format "2006/01/02/" | relURL }}">All posts of that day</a></p>
</footer>
</article>
{{ end }}
""",
    # One list template for home, section, taxonomy and term pages: the
    # layout lookup of Hugo 0.111 and of 0.146+ both fall back to it.
    "_default/list.html": """{{ define "main" }}
{{ if .IsHome }}
<h1>Latest posts</h1>
{{ range first 50 .Site.RegularPages.ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}
{{ else if eq .Kind "taxonomy" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ else if and (eq .Kind "term") (eq .Data.Plural "tags") }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}
<nav>{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">Newer</a>{{ end }} {{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">Older</a>{{ end }}</nav>
{{ else if eq .Kind "term" }}
<h1>{{ .Title }}</h1>
{{ range .Pages.ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}
{{ else }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ range $pager.Pages }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>
{{ end }}
{{ end }}
{{ end }}
""",
    # Full-content RSS (Hugo's built-in feed carries only the summary).
    "_default/rss.xml": """{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ .Site.Title }}{{ if not .IsHome }}: {{ .Title }}{{ end }}</title>
<link>{{ .Permalink }}</link>
<description>{{ .Site.Title }}</description>
<language>{{ .Site.LanguageCode }}</language>
{{ with .OutputFormats.Get "RSS" }}{{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}{{ end }}
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ range first 50 $pages.ByDate.Reverse }}
<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<guid>{{ .Permalink }}</guid>
<description>{{ .Content | html }}</description>
</item>
{{ end }}
</channel>
</rss>
""",
}


def hugo_post(post: SPost) -> str:
    lines = [
        "+++",
        f"title = {q(post.title)}",
        f"date = {iso(post.published)}",
        f"slug = {q(post.slug)}",
        f"tags = [{', '.join(q(t) for t in post.topics)}]",
        f"days = [{q(post.day.isoformat())}]",
        f"blogs = [{q(post.blog)}]",
        f"authors = [{', '.join(q(a) for a in post.authors)}]",
    ]
    if post.byline:
        lines.append(f"byline = {q(post.byline)}")
    if post.location:
        lines.append(f"location = {q(post.location)}")
    lines.append(f"position = {post.position}")
    return "\n".join(lines) + "\n+++\n\n" + post.body + "\n"


def write_hugo(root: Path, blogs: list[SBlog]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # Topic feeds: term pages get RSS only for tags (not for days or blogs).
    tags = root / "content" / "tags"
    tags.mkdir(parents=True, exist_ok=True)
    (tags / "_index.md").write_text(
        '+++\ntitle = "Topics"\n[cascade]\n  outputs = ["HTML", "RSS"]\n+++\n', encoding="utf-8")
    for blog in blogs:
        folder = root / "content" / "posts" / blog.slug
        folder.mkdir(parents=True, exist_ok=True)
        prefix = f"{folder}/"
        for post in blog.posts:
            write(f"{prefix}{post.id}.md", hugo_post(post))


def hugo_path(root: Path, post: SPost) -> Path:
    return root / "content" / "posts" / post.blog / f"{post.id}.md"


# ---------------------------------------------------------------- manifest

WRITERS = {"liveblog": write_liveblog, "pelican": write_pelican, "hugo": write_hugo}
PATHS = {"liveblog": liveblog_path, "pelican": pelican_path, "hugo": hugo_path}
RENDER = {"liveblog": liveblog_post, "pelican": pelican_post, "hugo": hugo_post}


def topic_slug(topic: str) -> str:
    return slugify(topic, 60)


def probe_posts(posts: list[SPost]) -> list[SPost]:
    """Posts whose pages the benchmark checks in every tool: the first, the last,
    one just before and one just after midnight, and the ones on DST days."""
    chosen: dict[str, SPost] = {}
    if not posts:
        return []
    chosen[posts[0].id] = posts[0]
    chosen[posts[-1].id] = posts[-1]
    late = next((p for p in posts if p.published.hour == 23 and p.published.minute >= 45), None)
    early = next((p for p in posts if p.published.hour == 0 and p.published.minute <= 15), None)
    for p in (late, early):
        if p is not None:
            chosen[p.id] = p
    seen_offsets: set[tuple[date, str]] = set()
    for p in posts:
        d = p.day
        lo = datetime(d.year, d.month, d.day, tzinfo=NY)
        nd = d + timedelta(days=1)
        if datetime(nd.year, nd.month, nd.day, tzinfo=NY).timestamp() - lo.timestamp() != 86400:
            key = (d, str(p.published.utcoffset()))
            if key not in seen_offsets and 1 <= p.published.hour <= 3:
                seen_offsets.add(key)
                chosen[p.id] = p
    return list(chosen.values())


def edit_target(posts: list[SPost]) -> SPost:
    return posts[len(posts) // 2]


def extra_post_for(man: dict[str, Any], n: int = 1) -> SPost:
    """The post the benchmark adds: in the edited post's blog, one minute after it."""
    edit = man["edit"]
    published = datetime.fromisoformat(edit["published"]).astimezone(NY) + timedelta(minutes=1)
    slug = f"{published:%H%M}-benchmark-added-post-number-{n}"
    return SPost(
        id=f"{published.date().isoformat()}-{slug}", slug=slug,
        title=f"Benchmark added post number {n}", published=published,
        byline="From CNN's Anna Adams", authors=["Anna Adams"], location=None,
        topics=list(edit["topics"]), blog=edit["blog"], position=0,
        body="This post was added by the benchmark to measure an incremental build.\n\n"
             "A second paragraph keeps it from being trivially short.",
    )


def manifest(blogs: list[SBlog], args: dict[str, Any]) -> dict[str, Any]:
    posts = [p for b in blogs for p in b.posts]
    posts.sort(key=lambda p: (p.published, p.id))
    days = sorted({p.day for p in posts})
    topics = sorted({t for p in posts for t in p.topics})
    target = edit_target(posts)
    probes = probe_posts(posts)
    dst_days = [d.isoformat() for d in days
                if datetime(*(d + timedelta(days=1)).timetuple()[:3], tzinfo=NY).timestamp()
                - datetime(d.year, d.month, d.day, tzinfo=NY).timestamp() != 86400]
    return {
        "args": args,
        "posts": len(posts),
        "blogs": len(blogs),
        "days": len(days),
        "first_day": days[0].isoformat() if days else None,
        "last_day": days[-1].isoformat() if days else None,
        "dst_days": dst_days,
        "topics": len(topics),
        "topic_slugs": [topic_slug(t) for t in topics],
        "day_urls": [f"{d:%Y/%m/%d}/" for d in days],
        "blog_urls": [f"live/{b.slug}/" for b in blogs],
        "post_urls": [p.url for p in posts],
        "words": sum(len(p.body.split()) for p in posts),
        "figures": sum(p.body.count('<figure class="photo">') for p in posts),
        "probes": [{"id": p.id, "title": p.title, "url": p.url, "day_url": f"{p.day:%Y/%m/%d}/",
                    "published": iso(p.published), "topics": p.topics,
                    "topic_urls": [f"topics/{topic_slug(t)}/" for t in p.topics]} for p in probes],
        "edit": {"id": target.id, "title": target.title, "url": target.url, "blog": target.blog,
                 "day_url": f"{target.day:%Y/%m/%d}/", "published": iso(target.published),
                 "topics": target.topics,
                 "files": {fmt: str(PATHS[fmt](Path(fmt), target)) for fmt in FORMATS}},
    }


def _write_formats(out: Path, blogs: list[SBlog], formats: tuple[str, ...]) -> None:
    """Write each format in its own forked process (the plan is shared by fork)."""
    import multiprocessing
    if len(formats) < 2 or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for fmt in formats:
            WRITERS[fmt](out / fmt, blogs)
        return
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=WRITERS[fmt], args=(out / fmt, blogs), name=f"synth-{fmt}")
               for fmt in formats]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    failed = [w.name for w in workers if w.exitcode != 0]
    if failed:
        raise RuntimeError(f"writing failed in {', '.join(failed)}")


def synthesize(n: int, days: int, out: Path, *, seed: int = 1, start: date = date(2023, 2, 1),
               formats: tuple[str, ...] = FORMATS, clean: bool = True) -> dict[str, Any]:
    """Write the chosen formats under `out` and return the manifest."""
    blogs = plan(n, days, seed, start)
    out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        if clean and (out / fmt).exists():
            shutil.rmtree(out / fmt)
    _write_formats(out, blogs, formats)
    data = manifest(blogs, {"n": n, "days": days, "seed": seed, "start": start.isoformat(),
                            "formats": list(formats)})
    (out / "manifest.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of posts")
    parser.add_argument("days", type=int, help="number of days they span")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "synth")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2023, 2, 1),
                        help="first day (default 2023-02-01: 300 days cross both 2023 DST changes)")
    parser.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    args = parser.parse_args(argv)
    if args.n < 1 or args.days < 1:
        parser.error("N and DAYS must be at least 1")
    formats = FORMATS if args.format == "all" else (args.format,)
    started = time.perf_counter()
    data = synthesize(args.n, args.days, args.out, seed=args.seed, start=args.start, formats=formats)
    print(f"{data['posts']} posts, {data['blogs']} blogs, {data['days']} days, {data['topics']} topics, "
          f"{data['words']} words, {data['figures']} figures; DST days {', '.join(data['dst_days']) or 'none'}; "
          f"{', '.join(formats)} in {args.out} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Nothing harmful is published: raw captures are inert, links leave no script, feeds
escape text once per layer, symbolic links never leak a file, verify skips nothing."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner

import sites
from generator.cli import main
from generator.core.paths import THEME
from generator.core.urls import Urls, is_safe_link, is_web_url
from generator.render.jinja import html_text
from sites import REPO, SAMPLE, make_site, snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCRIPT = b"<script>alert(document.domain)</script>"


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def sample_site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(root, "import", str(SAMPLE))[0] == 0
    return root


# --- item 4: raw captures are never published as active content ------------------

# Everything a browser renders as a document, runs, or turns into one (by the name GitHub
# Pages serves it under): HTML, SVG, XML (XSLT can make a page of it), XHTML, MHTML, JS.
ACTIVE = ["evil.html", "evil.htm", "evil.HTML", "evil.svg", "evil.svgz", "evil.xml", "evil.xhtml",
          "evil.xht", "evil.xsl", "evil.shtml", "evil.mht", "evil.js", "evil.pdf", "evil.swf",
          "evil.html.gz", "evil", "evil.txt.html"]
INERT = re.compile(r"\.(txt|warc|warc\.gz|wacz)$")


@pytest.mark.parametrize("name", ACTIVE)
def test_a_capture_a_browser_could_run_is_published_as_text(tmp_path: Path, name: str) -> None:
    root = sample_site(tmp_path)
    (root / "captures" / name).write_bytes(b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'>"
                                           + SCRIPT + b"</svg>")
    assert run(root, "build")[0] == 0
    published = sorted(p.relative_to(root / "public").as_posix() for p in (root / "public/captures").iterdir())
    assert f"captures/{name}" not in published
    assert f"captures/{name}.txt" in published
    assert all(INERT.search(rel) for rel in published), published
    assert Urls.capture(f"captures/{name}") == f"captures/{name}.txt"


def test_an_imported_html_capture_is_published_as_text_and_linked_as_such(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    page = tmp_path / "guardian.html"
    page.write_bytes((FIXTURES / "html/guardian-key-events.html").read_bytes().replace(
        b"</head>", SCRIPT + b"</head>", 1))
    code, _out, err = run(root, "import", str(page))
    assert code == 0, err
    assert run(root, "build")[0] == 0
    public = root / "public"
    assert not (public / "captures/guardian.html").exists()
    assert (public / "captures/guardian.html.txt").read_bytes() == page.read_bytes()
    pages = "".join(p.read_text() for p in public.rglob("*.html"))
    assert 'href="/liveblog-archive/captures/guardian.html.txt"' in pages
    assert 'captures/guardian.html"' not in pages


def test_web_archives_and_text_keep_their_names() -> None:
    for name in ("crawl.warc.gz", "crawl.warc", "blog.wacz", "cnn.txt", "CNN.TXT"):
        assert Urls.capture(f"captures/{name}") == f"captures/{name}"
    assert Urls.capture("captures/crawl.warc.gz@1234") == "captures/crawl.warc.gz"


# --- item 8: symbolic links never carry a file from outside the site -------------

@pytest.mark.parametrize("folder", ["static", "captures", "content", "templates", "media"])
def test_a_symbolic_link_out_of_the_site_is_refused(tmp_path: Path, folder: str) -> None:
    root = sample_site(tmp_path)
    assert run(root, "build")[0] == 0
    before = snapshot(root / "public")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret\n")
    (root / folder).mkdir(exist_ok=True)
    link = root / folder / "leak.txt"
    link.symlink_to(secret)
    code, _out, err = run(root, "build")
    assert code == 1
    assert err == (f"Error: {link}: a symbolic link points outside the site (to {secret.resolve()}) "
                   "(put the file itself in the site folder)\n")
    assert snapshot(root / "public") == before
    assert b"the secret" not in b"".join(before.values())


def test_a_link_to_a_folder_outside_is_refused_and_its_files_never_published(tmp_path: Path) -> None:
    root = sample_site(tmp_path)
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "id_rsa").write_text("PRIVATE KEY")
    (root / "static" / "keys").symlink_to(outside)
    code, _out, err = run(root, "build")
    assert code == 1 and "keys: a symbolic link points outside the site" in err
    assert not (root / "public").exists()


def test_a_link_to_a_file_inside_the_site_is_copied(tmp_path: Path) -> None:
    root = sample_site(tmp_path)
    (root / "static" / "real.css").write_text("body { color: red }\n")
    (root / "static" / "alias.css").symlink_to("real.css")
    assert run(root, "build")[0] == 0
    assert (root / "public/static/alias.css").read_text() == "body { color: red }\n"
    assert not (root / "public/static/alias.css").is_symlink()


# --- item 15: verify skips nothing in a built site; placeholders are not published -

def test_dotfiles_of_static_are_not_published(tmp_path: Path) -> None:
    root = sample_site(tmp_path)
    for rel in (".gitkeep", ".DS_Store", "css/.gitkeep", ".git/config"):
        (root / "static" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "static" / rel).write_bytes(SCRIPT)
    assert run(root, "build")[0] == 0
    assert [p for p in (root / "public").rglob(".*") if p.name != ".nojekyll"] == []
    code, _out, err = run(root, "verify")
    assert code == 0, err


@pytest.mark.parametrize("rel", [".gitkeep", "x/.gitkeep", ".DS_Store", "2023/07/08/.DS_Store",
                                 "static/.hidden.html", ".well-known/evil.html"])
def test_verify_names_any_file_the_manifest_does_not_declare(tmp_path: Path, rel: str) -> None:
    root = sample_site(tmp_path)
    assert run(root, "build")[0] == 0
    planted = root / "public" / rel
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(SCRIPT)
    code, _out, err = run(root, "verify")
    assert code == 1
    assert f"public/{rel}: extra (not in public/manifest-sha256.txt)" in err


def test_placeholders_in_source_folders_are_still_left_out(tmp_path: Path) -> None:
    root = sample_site(tmp_path)
    (root / "captures/.gitkeep").write_text("")
    (root / "content/.DS_Store").write_bytes(b"\x00\x01")
    assert run(root, "build")[0] == 0
    code, _out, err = run(root, "verify")
    assert code == 0, err


def test_export_bag_refuses_a_link_out_of_the_site(tmp_path: Path) -> None:
    root = sample_site(tmp_path)
    (tmp_path / "secret").write_text("the secret")
    (root / "captures" / "leak.txt").symlink_to(tmp_path / "secret")
    code, _out, err = run(root, "export-bag", str(tmp_path / "bag"))
    assert code == 1 and "leak.txt: a symbolic link points outside the site" in err
    assert not (tmp_path / "bag").exists()


# --- item 5: no URL with a script scheme reaches an href or src -------------------

HOSTILE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\x01javascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "javascript\r:alert(1)", "&#106;avascript:alert(1)",
    "&#x6A;avascript&#x3A;alert(1)", "javascript&colon;alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
    "DATA:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
    "/\\evil.example/x", "\\\\evil.example\\x", "https:alert(1)", "http:///nohost",
]
SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):|^[/\\]{2}")


def blog_front_matter(source_url: str = "", captures: str = "") -> str:
    lines = BLOG_TEXT.rstrip("-\n").rstrip("\n")
    if source_url:
        lines += f"\nsource_url: {json.dumps(source_url)}"
    return lines + captures + "\n---\n"


BLOG_TEXT = sites.BLOG
BLOG_DIR = "content/2023-07-08-test-news"


def hostile_site(tmp_path: Path, blog: str, body: str = "Some text.") -> Path:
    return make_site(tmp_path / "site", {
        f"{BLOG_DIR}/_blog.md": blog,
        f"{BLOG_DIR}/2023-07-08-1000-a.md": sites.post("2023-07-08-1000-a", "2023-07-08T10:00:00-04:00",
                                                       body=body),
    })


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_hostile_source_url_in_blog_md_stops_the_build_naming_the_line(tmp_path: Path, url: str) -> None:
    root = hostile_site(tmp_path, blog_front_matter(source_url=url))
    code, _out, err = run(root, "build")
    assert code == 1
    line = blog_front_matter(source_url=url).splitlines().index(f"source_url: {json.dumps(url)}") + 1
    assert err.startswith(f"Error: {root / BLOG_DIR / '_blog.md'}:{line}: 'source_url': must be an http(s) URL"), err
    assert "Traceback" not in err
    assert not (root / "public").exists()


@pytest.mark.parametrize("url", HOSTILE_URLS[:4] + HOSTILE_URLS[7:11])
def test_a_hostile_source_url_of_a_capture_record_stops_the_build(tmp_path: Path, url: str) -> None:
    record = (f"\ncaptures:\n- file: captures/a.txt\n  sha256: {'0' * 64}\n  source_url: {json.dumps(url)}")
    root = hostile_site(tmp_path, blog_front_matter(captures=record))
    code, _out, err = run(root, "build")
    assert code == 1 and "'captures: source_url': must be an http(s) URL" in err, err


def links_in(text: str) -> list[str]:
    """Every href, src, srcset, action, formaction, poster and data value, decoded as a browser does."""
    found: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(value or "" for name, value in attrs
                         if name in ("href", "src", "srcset", "action", "formaction", "poster", "data",
                                     "xlink:href", "background"))

    collector = Collector(convert_charrefs=True)
    collector.feed(text)
    collector.close()
    return found


def surviving(public: Path) -> list[tuple[str, str]]:
    """(file, URL) of every link in the built site (HTML pages, and the HTML inside feed
    items) whose scheme could run a script or that leaves to a protocol-relative host."""
    bad = []
    for path in sorted(public.rglob("*")):
        if path.suffix == ".html":
            texts = [path.read_text(encoding="utf-8")]
        elif path.suffix == ".xml" and path.name.startswith("feed"):
            texts = [d.text or "" for d in ElementTree.parse(path).iter("description")]
        else:
            continue
        for text in texts:
            for url in links_in(text):
                cleaned = "".join(c for c in url.strip("".join(map(chr, range(33)))) if c not in "\t\n\r")
                if SCRIPT_SCHEME.search(cleaned.lower()):
                    bad.append((path.relative_to(public).as_posix(), url))
    return bad


def test_hostile_links_and_images_in_post_bodies_never_survive(tmp_path: Path) -> None:
    payloads = []
    for url in HOSTILE_URLS:
        attr = html.escape(url, quote=True)
        payloads += [f"[link]({url.replace(' ', '%20')})", f"![image]({url.replace(' ', '%20')})",
                     f'<a href="{attr}">raw link</a>', f'<img src="{attr}" alt="raw image">',
                     f"<a href='{attr}'>single-quoted</a>", f'<form action="{attr}"><button>go</button></form>',
                     f'<iframe src="{attr}"></iframe>', f'<svg><a xlink:href="{attr}">svg</a></svg>']
    body = "\n\n".join(payloads)
    root = hostile_site(tmp_path, blog_front_matter(source_url="https://example.org/live/"), body=body)
    code, _out, err = run(root, "build")
    assert code == 0, err
    public = root / "public"
    assert "Some text." not in (public / "2023/07/08/1000-a/index.html").read_text()
    assert "raw link" in (public / "2023/07/08/1000-a/index.html").read_text()  # the text is kept
    assert surviving(public) == []
    assert len(payloads) == 8 * len(HOSTILE_URLS)


def test_every_url_a_theme_template_prints_into_a_link_goes_through_the_href_filter() -> None:
    unfiltered = []
    for template in sorted((THEME / "templates").iterdir()):
        # A {% raw %} block is not Jinja's: Pagefind's result template, filled in the browser.
        text = re.sub(r"\{% raw %\}.*?\{% endraw %\}", "", template.read_text(encoding="utf-8"), flags=re.S)
        for match in re.finditer(r'(?:href|src)="\{\{(.*?)\}\}|<(link|guid)[^>]*>\{\{(.*?)\}\}', text):
            expression = (match[1] or match[3]).strip()
            if not expression.endswith("|href"):
                unfiltered.append(f"{template.name}: {expression}")
    assert unfiltered == []


def test_a_template_linking_to_a_hostile_value_stops_the_build_naming_it(tmp_path: Path) -> None:
    root = hostile_site(tmp_path, blog_front_matter())
    post_file = root / BLOG_DIR / "2023-07-08-1000-a.md"
    post_file.write_text(post_file.read_text().replace("title: A post", 'title: "javascript:alert(1)"'))
    theme = (THEME / "templates/post.html").read_text(encoding="utf-8")
    (root / "templates/post.html").write_text(
        theme.replace("{% block content %}", '{% block content %}<a href="{{ post.post.title|href }}">x</a>', 1))
    assert "post.post.title|href" in (root / "templates/post.html").read_text()
    code, _out, err = run(root, "build")
    assert code == 1
    assert re.fullmatch(r"Error: templates/post\.html:\d+: refusing to publish a link to 'javascript:alert\(1\)': only "
                        r"http\(s\) URLs and the site's own addresses may be linked\n", err), err
    assert err.count("refusing") == 1 and ("Error: templates/post.html: refusing to publish a link to 'javascript:alert(1)': only "
                   "http(s) URLs and the site's own addresses may be linked\n")


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_is_safe_link_refuses_every_hostile_form(url: str) -> None:
    assert not is_safe_link(url)
    assert not is_web_url(url)


@pytest.mark.parametrize("url", ["https://www.cnn.com/live/", "http://example.org/a?b=1&c=2",
                                 "/liveblog-archive/2023/07/08/", "#latest", "page/2/", "../"])
def test_is_safe_link_keeps_web_and_site_addresses(url: str) -> None:
    assert is_safe_link(url)


# --- item 7: feed text is escaped once per layer -------------------------------------

HOSTILE_TEXT = ['<script>alert(1)</script>', 'Tom & Jerry <b>bold</b> "quoted" \'apos\'', "&amp; &lt;b&gt;",
                "]]> <![CDATA[ x", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_feed_text_decodes_to_exactly_the_original(tmp_path: Path, text: str) -> None:
    root = make_site(tmp_path / "site", {
        f"{BLOG_DIR}/_blog.md": sites.BLOG,
        f"{BLOG_DIR}/2023-07-08-1000-a.md": sites.post("2023-07-08-1000-a", "2023-07-08T10:00:00-04:00",
                                                       title=json.dumps(text), topics=json.dumps([text])),
    })
    code, _out, err = run(root, "build")
    assert code == 0, err
    topic_feeds = [p for p in (root / "public/topics").rglob("feed.xml")]
    assert len(topic_feeds) == 1
    for path in [root / "public/feed.xml", *topic_feeds]:
        feed = feedparser.parse(str(path))
        assert feed.bozo == 0, feed.bozo_exception
        entry = feed.entries[0]
        # Titles and categories are plain text (RSS Best Practices Profile); feedparser
        # guesses text/html for one holding <b>, and gives the same characters either way.
        assert entry.title == text
        assert [tag.term for tag in entry.tags] == [text]
    feed = feedparser.parse(str(topic_feeds[0]))
    assert feed.feed.title == f"Test archive: {text}"
    # The channel's description is HTML: it must read as the text, with no element in it.
    assert feed.feed.subtitle_detail.type == "text/html"
    assert html.unescape(feed.feed.subtitle) == f"Posts about {text}"
    assert links_in(feed.feed.subtitle) == [] and "<" not in feed.feed.subtitle


def test_html_text_escapes_for_html_only() -> None:
    assert html_text('<script> & "x"') == '&lt;script&gt; &amp; "x"'

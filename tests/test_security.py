"""Nothing harmful is published: raw captures are inert, links leave no script, feeds
escape text once per layer, symbolic links never leak a file, verify skips nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.core.urls import Urls
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

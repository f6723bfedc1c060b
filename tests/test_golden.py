"""Golden files: importing the sample capture, and building the sample site.

The expected trees live in tests/golden/. After an intended change, run
`make golden` (UPDATE_GOLDEN=1) and read the diff in review.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from sites import REPO, SAMPLE, SAMPLE_URL, make_site, snapshot

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def compare(actual_root: Path, golden_root: Path) -> None:
    actual = snapshot(actual_root)
    if UPDATE:
        shutil.rmtree(golden_root, ignore_errors=True)
        for rel, data in actual.items():
            (golden_root / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden_root / rel).write_bytes(data)
    expected = snapshot(golden_root)
    assert sorted(actual) == sorted(expected), "file lists differ; run `make golden` if intended"
    for rel in expected:
        if actual[rel] != expected[rel]:
            diff = "\n".join(difflib.unified_diff(
                expected[rel].decode().splitlines(), actual[rel].decode().splitlines(),
                f"golden/{rel}", f"actual/{rel}", lineterm="", n=1))
            raise AssertionError(f"{rel} differs from the golden file:\n{diff[:3000]}")


def imported_sample(tmp_path: Path) -> Path:
    root = make_site(tmp_path, site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    result = CliRunner().invoke(main, ["--site", str(root), "import", str(SAMPLE),
                                       "--source-url", SAMPLE_URL, "--captured-at", "unknown"])
    assert result.exit_code == 0, result.output
    return root


def test_importing_the_sample_gives_the_golden_content_tree(tmp_path: Path) -> None:
    root = imported_sample(tmp_path)
    compare(root / "content", GOLDEN / "import" / "content")
    assert (root / "captures" / SAMPLE.name).read_bytes() == SAMPLE.read_bytes()


def test_building_the_sample_gives_the_golden_site(tmp_path: Path) -> None:
    root = imported_sample(tmp_path)
    # Without the search bundle: Pagefind orders a filter's values differently on each
    # run (tests/sites.py `comparable`); test_readers.py and test_incremental.py cover it.
    result = CliRunner().invoke(main, ["--site", str(root), "build", "--no-search"])
    assert result.exit_code == 0, result.output
    compare(root / "public", GOLDEN / "site")


def test_the_committed_sample_content_is_the_golden_import() -> None:
    """`make site` imports into the project's own content/, which is committed: it must match."""
    if UPDATE:
        pytest.skip("updating: the project's content/ is refreshed by `make site`")
    compare(REPO / "content", GOLDEN / "import" / "content")

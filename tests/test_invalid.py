"""tests/invalid/: one folder per bad site or bad input, each with its exact one-line error.

A case folder is a site (its own site.toml, else the tests' one; content/,
templates/ and input files as it needs), `args.txt` (the command line, run
in the site folder) and `expected.txt`: the last line the command prints on
stderr, exactly. The exit code is 2 when that line is a usage error
("Invalid value for …"), else 1; there is no traceback, and nothing in the
folder changes. `UPDATE_INVALID=1` writes the expected.txt files (read the
diff before committing them).
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from sites import SITE_TOML, snapshot

CASES = sorted(p for p in (Path(__file__).parent / "invalid").iterdir() if p.is_dir())


def on_disk(root: Path) -> dict[str, bytes]:
    """Every file of the site but the build's private state (its caches may be kept)."""
    return {path: data for path, data in snapshot(root).items() if not path.startswith(".liveblog/")}


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_bad_input_gives_its_one_line_error_and_changes_nothing(case: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / case.name
    shutil.copytree(case, site, ignore=shutil.ignore_patterns("expected.txt", "args.txt"))
    if not (site / "site.toml").exists():
        (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (site / "content").mkdir(exist_ok=True)
    before = on_disk(site)
    monkeypatch.chdir(site)
    args = shlex.split((case / "args.txt").read_text(encoding="utf-8"))
    result = CliRunner().invoke(main, ["--site", ".", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if not line.startswith(("warning:", "note:"))]
    assert errors, result.output
    expected_file = case / "expected.txt"
    if os.environ.get("UPDATE_INVALID"):
        expected_file.write_text(errors[-1] + "\n", encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").rstrip("\n")
    assert errors[-1] == expected
    assert result.exit_code == (2 if expected.startswith("Error: Invalid value for") else 1)
    assert "Traceback" not in result.stderr
    assert on_disk(site) == before

"""The benchmark runs unattended and checks what each build produced.

Benchmarks are not timed tests (bench/README.md): this only proves that
`bench/run.py` works end to end on a small archive, liveblog alone, so that
`make bench` does not rot between the runs whose figures are committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sites import REPO


def test_a_small_benchmark_runs_and_every_check_passes(tmp_path: Path) -> None:
    results = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "150", "--days", "12",
         "--tools", "liveblog", "--cases", "cold,noop,edit", "--no-install",
         "--workdir", str(tmp_path / "work"), "--results", str(results)],
        capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    runs = json.loads(results.with_suffix(".json").read_text())["runs"]
    assert [(run["tool"], run["n"], run["case"]) for run in runs] == [
        ("liveblog", 150, "cold"), ("liveblog", 150, "noop"), ("liveblog", 150, "edit")]
    assert all(run["rc"] == 0 and not run["problems"] for run in runs), runs
    cold, noop, edit = runs
    assert cold["written"] == cold["pages"] > 150  # every page, each post's among them
    assert noop["written"] == 0
    assert 1 <= edit["written"] <= 10  # the edited post's pages only
    text = results.read_text()
    assert "| liveblog | 150 | cold |" in text and "## Machine" in text

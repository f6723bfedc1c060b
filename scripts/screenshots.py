"""Screenshots of the built sample site for the README: home and day page, phone and desktop.

Usage: python scripts/screenshots.py PUBLIC_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import tools  # noqa: E402

PAGES = {"home": "", "day": "2023/07/08/"}
SIZES = {390: 844, 1280: 900}


def main(public: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tools.serve_directory(public, "/liveblog-archive/") as base, tools.browser() as browser:
        for name, path in PAGES.items():
            for width, height in SIZES.items():
                target = out / f"{name}-{width}.png"
                with tools.new_page(browser, width=width, height=height) as page:
                    page.goto(base + path)
                    page.screenshot(path=str(target), full_page=False)
                print(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

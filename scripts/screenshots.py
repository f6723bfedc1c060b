"""Screenshots of the built sample site for the README: home, day, calendar and search
(with results), phone and desktop; `--dark` adds dark-mode ones (not committed).

Usage: python scripts/screenshots.py PUBLIC_DIR OUT_DIR [--dark]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import tools  # noqa: E402

PAGES = {"home": "", "day": "2023/07/08/", "archive": "archive/", "search": "search/?q=Erdogan"}
SIZES = {390: 844, 1280: 900}


def main(public: Path, out: Path, schemes: tuple[str, ...] = ("light",)) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tools.serve_directory(public, "/liveblog-archive/") as base, tools.browser() as browser:
        for name, path in PAGES.items():
            for width, height in SIZES.items():
                for scheme in schemes:
                    suffix = "" if scheme == "light" else f"-{scheme}"
                    target = out / f"{name}-{width}{suffix}.png"
                    with tools.new_page(browser, width=width, height=height) as page:
                        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                        page.goto(base + path)
                        if name == "search":
                            page.wait_for_selector(".pf-result-link")
                        page.screenshot(path=str(target), full_page=False)
                    print(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), ("light", "dark") if "--dark" in sys.argv else ("light",))

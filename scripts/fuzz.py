#!/usr/bin/env python3
"""`make fuzz`: import → build → import → verify on generated captures, counted by outcome.

    scripts/fuzz.py [--examples 10000] [--seed N] [--bugs DIR]

Each example is a text capture or a small saved HTML page from
tests/roundtrip.py (the strategies and the round trip the test suite runs a
few hundred of). Prints the counts by outcome: imported+built (and
re-imported unchanged, verified), refused with a clear one-line error, and
bug (a traceback, a build that fails after a successful import, a second
import that changes a byte, …). The capture of every bug is saved in --bugs
(default fuzz-bugs/) with what went wrong. Exit code 1 when there was a bug.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hypothesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from roundtrip import Outcome, captures, round_trip  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--bugs", type=Path, default=Path("fuzz-bugs"))
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    counts: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    started = time.monotonic()

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(captures())
    def one(example: tuple[str, bytes, str | None]) -> None:
        name, data, when = example
        with tempfile.TemporaryDirectory(prefix="liveblog-fuzz-") as folder:
            outcome: Outcome = round_trip(Path(folder), name, data, when)
        counts[outcome.kind] += 1
        if outcome.kind == "refused":
            reasons[_reason(outcome.detail)] += 1
        if outcome.kind == "bug":
            args.bugs.mkdir(parents=True, exist_ok=True)
            number = counts["bug"]
            (args.bugs / f"{number}-{name}").write_bytes(data)
            (args.bugs / f"{number}.txt").write_text(f"--captured-at {when}\n{outcome.detail}\n", encoding="utf-8")
        done = sum(counts.values())
        if done % 500 == 0:
            print(f"  {done:,} examples, {time.monotonic() - started:,.0f} s: {dict(counts)}", flush=True)

    hypothesis.seed(seed)(one)()  # the same --seed gives the same examples
    total = sum(counts.values())
    print(f"seed {seed}: {total:,} examples in {time.monotonic() - started:,.0f} s")
    print(f"  imported+built (re-import unchanged, verified): {counts['built']:,}")
    print(f"  refused with a clear one-line error:            {counts['refused']:,}")
    for reason, count in reasons.most_common():
        print(f"      {count:6,}  {reason}")
    print(f"  bug (traceback, or a broken promise):           {counts['bug']:,}"
          + (f"  (saved in {args.bugs}/)" if counts["bug"] else ""))
    return 1 if counts["bug"] else 0


def _reason(line: str) -> str:
    """An error line without its file, line and quoted values: what kind of refusal it was."""
    text = re.sub(r"^Error: (?:Invalid value for '[^']+': )?(?:[^\s:]+(?::\d+)?: )?", "", line)
    text = re.sub(r"'[^']*'|“[^”]*”|\d+|(?:Jan|Febr)uary|March|April|May|June|July|August|(?:Sept|Nov|Dec)ember"
                  r"|October|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day", "…", text)
    return text.split(" (")[0][:80]


if __name__ == "__main__":
    sys.exit(main())

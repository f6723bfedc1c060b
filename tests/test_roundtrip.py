"""Property (issue 17 §1): for generated captures, `import` succeeds ⇒ `build` succeeds
⇒ a second import changes no byte ⇒ `verify` passes; else the import refuses with
one line naming the file and changes nothing (tests/roundtrip.py). `make fuzz`
runs the same round trip on 10,000 captures."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from roundtrip import captures, round_trip, text_capture

ROUND_TRIP = settings(max_examples=120, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@ROUND_TRIP
@given(captures())
def test_what_import_accepts_builds_and_reimports_unchanged(example: tuple[str, bytes, str | None]) -> None:
    name, data, when = example
    with tempfile.TemporaryDirectory(prefix="liveblog-roundtrip-") as folder:
        outcome = round_trip(Path(folder), name, data, when)
    assert outcome.kind in ("built", "refused"), outcome.detail


def test_the_generated_captures_mostly_import() -> None:
    """The strategy is worth running: most text captures it makes are accepted and
    built (a generator that only made refusals would prove nothing)."""
    outcomes = []

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text_capture())
    def collect(example: tuple[str, bytes, str | None]) -> None:
        with tempfile.TemporaryDirectory(prefix="liveblog-roundtrip-") as folder:
            outcomes.append(round_trip(Path(folder), *example).kind)

    collect()
    assert "bug" not in outcomes
    assert outcomes.count("built") >= len(outcomes) // 3, outcomes

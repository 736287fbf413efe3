"""Two split (`--segment-minutes`) runs into one folder: the second is refused by the result's claim before it
touches the first's segments (it used to wipe `.segments/<name>/` first, and both runs failed)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from merstudio.analysis.segments import analyze_in_segments, analyze_segment, claim_segments, merge_segments
from merstudio.errors import OutputError
from tests.analysis.test_segments import SETTINGS, N, clip  # noqa: F401  (the module's clip fixture)

BUSY = "another merstudio analyze is writing this result"


def test_a_second_split_run_is_refused_while_the_first_runs(clip: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    second: list[BaseException | object] = []

    def map_fn(fn, *columns):  # the first run's segments: the second run starts while they run
        try:
            second.append(analyze_in_segments(clip, out, "two", SETTINGS, max_seconds=1.0))
        except OutputError as exc:
            second.append(exc)
        return map(fn, *columns)

    first = analyze_in_segments(clip, out, "two", SETTINGS, max_seconds=1.0, map_fn=map_fn)
    assert first.complete and first.rows > 0
    assert len(second) == 1 and isinstance(second[0], OutputError) and BUSY in str(second[0]), second
    # the claim is given back: a later run goes ahead
    assert analyze_in_segments(clip, out, "two", SETTINGS, max_seconds=1.0).complete


def test_the_work_folder_is_only_reset_under_the_claim(clip: Path, tmp_path: Path) -> None:  # noqa: F811
    out, work = tmp_path / "out", tmp_path / "out" / ".segments" / "two"
    held, tried = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        with claim_segments(out, "two", work):
            (work / "x").mkdir(parents=True)  # a segment's rows
            seg = analyze_segment(clip, 0, N, SETTINGS, work_dir=work)
            held.set()
            tried.wait(30)
            assert seg.rows_path is not None and seg.rows_path.is_file()  # still there: the second did not wipe it
            merge_segments([seg], out, "two", SETTINGS, claimed=True)

    t = threading.Thread(target=lambda: _catch(first, errors))
    t.start()
    assert held.wait(60)
    try:
        with pytest.raises(OutputError, match=BUSY):
            with claim_segments(out, "two", work):
                pass
        assert (work / "x").is_dir()
    finally:
        tried.set()
        t.join(60)
    assert not errors, errors
    assert (out / "two.csv").is_file() and (out / "two.meta.json").is_file()


def _catch(fn, errors: list[BaseException]) -> None:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)

"""Two split (`--segment-minutes`) runs into one folder: the second is refused by the result's claim before it
touches the first's segments (it used to wipe `.segments/<name>/` first, and both runs failed)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.analysis.segments import analyze_in_segments, analyze_segment, claim_segments, merge_segments
from merstudio.errors import OutputError

N = 45  # 1.5 s at 30 fps: two segments at max_seconds=1.0
SETTINGS = AnalysisSettings(keyframe_s=1.0)  # a restart every second, as tests/analysis/test_segments.py splits


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    # its own clip: importing another test module's fixture needed `tests` importable as a package
    return write_clip(tmp_path_factory.mktemp("seg") / "face.avi", n=N)

BUSY = "another merstudio analyze is writing this result"


def test_a_second_split_run_is_refused_while_the_first_runs(clip: Path, tmp_path: Path) -> None:
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


def test_the_work_folder_is_only_reset_under_the_claim(clip: Path, tmp_path: Path) -> None:
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

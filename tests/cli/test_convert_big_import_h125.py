"""`convert --project P --import big.csv`: an import of many rows draws a bar while it reads the file and one while it
stores the events (200,000 rows were minutes of silence), -q none; a small file stays as quiet as ever. A bad row
still refuses the import in one line, in the words it always had."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

import merstudio.cli.convert as convert
from merstudio.interchange import events_csv as events_csv_module
from merstudio.interchange import read_events_csv
from merstudio.project import Project

COLS = ("video", "face_id", "onset", "apex", "offset", "onset_time", "apex_time", "offset_time", "emotion", "aus",
        "coder", "confidence", "source", "status", "note")
GOOD = {"video": "a.avi", "face_id": "0", "onset": "3", "apex": "5", "offset": "8", "onset_time": "0.1",
        "apex_time": "0.16666666666666666", "offset_time": "0.26666666666666666", "emotion": "happiness",
        "aus": "6+12", "coder": "ann", "confidence": "0.9", "source": "imported", "status": "accepted", "note": ""}


def _project(tmp_path: Path) -> Path:
    proj = tmp_path / "p.merproj"
    with Project.create(proj) as p:
        p.add_video(tiny_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
    return proj


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLS)
        w.writeheader()
        w.writerows(rows)
    return path


def _rows(n: int) -> list[dict[str, str]]:
    """n events, one a frame later than the last (frame / 30 fps its time)."""
    return [GOOD | {"onset": str(i), "apex": str(i), "offset": str(i + 1), "onset_time": repr(i / 30),
                    "apex_time": repr(i / 30), "offset_time": repr((i + 1) / 30)} for i in range(n)]


def test_a_big_import_says_it_reads_and_stores(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "BIG_IMPORT", 5)  # 5 rows stand for 10,000: the bars' rule, not their cost
    proj, src = _project(tmp_path), _csv(tmp_path / "big.csv", _rows(6))
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "1")
    assert code == 0 and "imported 6 event(s) into video 1" in out, err
    lines = err.splitlines()
    # a log (not a terminal) gets each bar's first and last line, the reading before the preview
    assert lines[0] == "reading big.csv: 6 rows"
    assert lines[1].startswith("reading big.csv: 100%") and "6/6" in lines[1]
    assert lines[2].startswith(f"{src}: events CSV, 6 event(s) to import")
    assert "storing in p.merproj: 6 events" in lines
    assert lines[-1].startswith("storing in p.merproj: 100%") and "6/6" in lines[-1]
    with Project.open(proj, read_only=True) as p:
        assert len(p.events(1)) == 6


def test_quiet_and_small_imports_draw_no_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "BIG_IMPORT", 5)
    proj = _project(tmp_path)
    big, small = _csv(tmp_path / "big.csv", _rows(6)), _csv(tmp_path / "small.csv", _rows(4))
    code, out, err = run(capsys, "convert", "--project", proj, "--import", big, "--video", "1", "-q")
    assert code == 0 and "imported 6 event(s)" in out, err
    assert "reading" not in err and "storing" not in err, err
    (tmp_path / "other").mkdir()
    code, out, err = run(capsys, "convert", "--project", _project(tmp_path / "other"), "--import", small, "--video",
                         "1")
    assert code == 0 and "imported 4 event(s)" in out, err
    assert "reading" not in err and "storing" not in err, err


def test_the_reader_tells_its_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events_csv_module, "_PROGRESS_ROWS", 2)
    seen: list[tuple[int, int]] = []
    prev = read_events_csv(_csv(tmp_path / "e.csv", _rows(5)), fps=30.0, video_name="a.avi",
                           progress=lambda done, total: seen.append((done, total)))
    assert len(prev.events) == 5
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize(("bad", "reason"), [
    ({"onset": "5", "apex": "3", "offset": "9", "onset_time": "0.16666666666666666", "apex_time": "0.1",
      "offset_time": "0.3"}, "need 0 <= onset <= apex <= offset, got 5, 3, 9"),
    ({"onset": "-1", "onset_time": "-0.03333333333333333"}, "need 0 <= onset <= apex <= offset, got -1, 5, 8"),
    ({"source": "robot"}, "source must be one of model, manual, imported, got 'robot'"),
    ({"status": "maybe"}, "status must be one of proposal, accepted, rejected, got 'maybe'"),
    ({"confidence": "1.5"}, "confidence must be within 0..1, got 1.5"),
    ({"confidence": "high"}, "bad confidence 'high'"),
    ({"face_id": "x"}, "bad face_id 'x'"),
    ({"onset": "abc", "onset_time": "x"}, "bad or missing frame in onset 'abc'"),
    ({"emotion": "e" * 10_001}, "the emotion is 10,001 characters long (limit 10,000)"),
])
def test_a_bad_row_refuses_the_import_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  bad: dict[str, str], reason: str) -> None:
    proj, src = _project(tmp_path), _csv(tmp_path / "in.csv", [GOOD, GOOD | bad])
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "1")
    assert code == 2 and not out
    assert err.splitlines()[-1] == (f"merstudio: error: in.csv: row 3: {reason}; nothing imported: fix the file, "
                                    "or confirm skipping 1 item(s) (skip_bad=True / --yes)")
    with Project.open(proj, read_only=True) as p:
        assert p.events() == []

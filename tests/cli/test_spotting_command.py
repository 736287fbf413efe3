"""`merstudio spotting` end to end on a fake CAS(ME)^2 tree in the real layout whose long videos are frames of a
face with AU12 warps at known positions (the spotter finds them), one folder numbered from 1 and one with a gap in
its numbering; plus a rerun that skips the analysed videos and one-line errors for bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import openpyxl
import pytest
from support.clips import write_warped_frames

from merstudio.cli.main import main

WARPS = ((20, 27), (60, 67))  # frame positions of the AU12 warps in each long video (90 frames)


def _long_video(folder: Path, numbers: list[int]) -> None:
    """Frames img<k>.jpg (k from `numbers`, in order) of a still face with AU12 warps at positions WARPS."""
    write_warped_frames(folder, [f"img{k}.jpg" for k in numbers], WARPS)


@pytest.fixture(scope="module")
def casme_sq(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("casme_sq")
    # s15: img1..img90 (warps at img21-28 and img61-68); s16: img1..img40, img51..img100 (a gap of ten: the
    # second warp, positions 60-67, is img71-78)
    _long_video(root / "rawpic" / "s15" / "15_0101disgustingteeth", list(range(1, 91)))
    _long_video(root / "rawpic" / "s16" / "16_0102girlcrashing", list(range(1, 41)) + list(range(51, 101)))
    code = [
        [1, "disgust1_1", 21, 24, 28, "12", "happiness", "micro-expression", "happy"],
        [1, "disgust1_2", 61, 64, 68, "12", "happiness", "micro-expression", "happy"],
        [1, "disgust1_3", 41, 45, 55, "4", "disgust", "macro-expression", "disgust"],  # no movement: missed
        [1, "disgust1_4", 80, 82, 0, "4", "disgust", "micro-expression", "disgust"],  # offset 0: not coded
        [2, "disgust2_1", 21, 24, 28, "12", "happiness", "micro-expression", "happy"],
        [2, "disgust2_2", 71, 74, 78, "12", "happiness", "micro-expression", "happy"],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CASFEcode_final"
    for r in code:
        ws.append(r)
    for name, rows in (("naming rule1", [[15, "s15", 1], [16, "s16", 2]]),
                       ("naming rule2", [["0101", "disgust1"], ["0102", "disgust2"]])):
        w2 = wb.create_sheet(name)
        for r in rows:
            w2.append(r)
    wb.save(root / "CAS(ME)^2code_final.xlsx")
    return root


def _one_line_error(capsys, code, *words):
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "merstudio" in line]
    assert code != 0
    assert len(err) == 1 and err[0].startswith("merstudio: error:"), err
    for w in words:
        assert w in err[0]


def test_spotting_on_casme_sq(casme_sq, tmp_path, capsys):
    out = tmp_path / "eval"
    assert main(["spotting", "--data", f"casme_sq:{casme_sq}", "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    # planted: 4 micro GT (found, the gap folder's second one only if img71-78 became positions 60-67), 1 macro GT
    # with nothing there (missed), 1 not coded; the spotter finds the 4 warps and nothing else
    assert "| micro | 4 | 0 | 0 | 1.000 | 1.000 | 1.000 |" in printed
    assert "| macro | 0 | 0 | 1 | – | 0.000 | 0.000 |" in printed
    assert "| overall | 4 | 0 | 1 | 1.000 | 0.800 | 0.889 |" in printed
    assert "2 analysed now, 0 finished before" in printed
    rows = list(csv.DictReader((out / "spotting.csv").open()))
    gt = [(r["video"], r["onset"], r["offset"], r["type"], r["outcome"]) for r in rows if r["kind"] == "gt"]
    assert gt == [("s15/15_0101disgustingteeth", "20", "27", "micro", "TP"),
                  ("s15/15_0101disgustingteeth", "40", "54", "macro", "FN"),
                  ("s15/15_0101disgustingteeth", "60", "67", "micro", "TP"),
                  ("s16/16_0102girlcrashing", "20", "27", "micro", "TP"),
                  ("s16/16_0102girlcrashing", "60", "67", "micro", "TP")]
    spots = [r for r in rows if r["kind"] == "spot"]
    assert len(spots) == 4 and all(r["outcome"] == "TP" and float(r["iou"]) >= 0.5 for r in spots)
    report = (out / "spotting.md").read_text()
    assert "not coded (left out): 1" in report and "IoU >= 0.5" in report and "flow=dis" in report
    assert "videos: 2 with ground truth, 2 scored" in report
    assert (out / "manifest.csv").is_file()
    # a rerun skips the analysed videos and writes the same evaluation
    before = (out / "spotting.csv").read_text()
    assert main(["spotting", "--data", f"casme_sq:{casme_sq}", "-o", str(out), "-q"]) == 0
    assert "0 analysed now, 2 finished before" in capsys.readouterr().out
    assert (out / "spotting.csv").read_text() == before
    # one video, micro only, a stricter IoU: the spots (7 of 8 frames) still match at 0.8
    assert main(["spotting", "--data", f"casme_sq:{casme_sq}", "-o", str(out), "-q", "--expression", "micro",
                 "--iou", "0.8", "--video", "16_0102girlcrashing"]) == 0
    printed = capsys.readouterr().out
    assert "| micro | 2 | 0 | 0 |" in printed and "overall" not in printed and "1 finished before" in printed


def test_table_data_and_no_face(casme_sq, tmp_path, capsys):
    blank = tmp_path / "blank"
    blank.mkdir()
    img = cv2.imread(str(casme_sq / "rawpic" / "s15" / "15_0101disgustingteeth" / "img1.jpg"))
    for k in range(20):
        assert cv2.imwrite(str(blank / f"{k:03d}.png"), img * 0 + 90)
    table = tmp_path / "truth.csv"
    face = casme_sq / "rawpic" / "s15" / "15_0101disgustingteeth"
    table.write_text(f"video,onset,offset\n{face},20,27\n{face},60,67\nblank,5,9\n")
    out = tmp_path / "out"
    assert main(["spotting", "--data", f"table:{table}", "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "| overall | 2 | 0 | 1 | 1.000 | 0.667 | 0.800 |" in printed
    assert "note: blank: no face found" in printed
    assert "blank: no face found" in (out / "spotting.md").read_text()


def test_bad_input_is_one_line(tmp_path, capsys):
    code = main(["spotting", "--data", f"casme_sq:{tmp_path / 'nope'}", "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "nope", "not found")
    code = main(["spotting", "--data", f"smic:{tmp_path}", "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "smic", "no long videos")
    code = main(["spotting", "--data", str(tmp_path), "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "KIND:PATH")
    (tmp_path / "t.csv").write_text("video,onset,offset\nmissing.mp4,1,5\n")
    code = main(["spotting", "--data", f"table:{tmp_path / 't.csv'}", "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "missing.mp4", "row 2")
    code = main(["spotting", "--data", f"table:{tmp_path / 't.csv'}", "-o", str(tmp_path / "o"), "--iou", "0"])
    _one_line_error(capsys, code, "--iou")
    assert not (tmp_path / "o").exists()


def test_a_failed_video_a_subset_truth_past_the_end_and_the_frame_rate_are_said(casme_sq, tmp_path, capsys):
    """Scores without a failed video exit 2 (as analyze does); --video says the report is a subset; ground truth
    past a video's end is noted (1-based frames?); --fps is the rate of a table's frame folders."""
    face = casme_sq / "rawpic" / "s15" / "15_0101disgustingteeth"
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all" * 100)
    table = tmp_path / "truth.csv"
    table.write_text(f"video,onset,offset\n{face},20,27\n{face},60,67\n{face},88,95\nbroken.mp4,1,5\n")
    out = tmp_path / "out"
    assert main(["spotting", "--data", f"table:{table}", "-o", str(out), "-q", "--fps", "25"]) == 2
    captured = capsys.readouterr()
    assert "1 video(s) failed and are left out of the scores" in captured.err
    assert "1 interval(s) end past its last frame (90 frames; e.g. 88-95)" in captured.out
    rows = {Path(r["video"]).name: r for r in csv.DictReader(open(out / "manifest.csv", encoding="utf-8"))}
    assert float(rows[face.name]["fps"]) == 25.0
    assert main(["spotting", "--data", f"table:{table}", "-o", str(out), "-q", "--fps", "25",
                 "--video", face.name]) == 0
    capsys.readouterr()
    assert "only those named by --video (1 of 2)" in (out / "spotting.md").read_text(encoding="utf-8")


def test_a_video_stopped_midway_is_not_said_to_be_analysed(tmp_path, capsys, monkeypatch):
    # Ctrl-C during a video: the per-video line says where it stopped, not "analysed, N spot(s)" of a partial run
    from types import SimpleNamespace

    from merstudio.analysis import spotting_eval as E

    (tmp_path / "v.mp4").write_bytes(b"x")
    table = tmp_path / "t.csv"
    table.write_text("video,onset,offset\nv.mp4,1,5\n")

    def stopped(truth, out, settings, backend, *, on_result=None, **kw):
        on_result(SimpleNamespace(input=tmp_path / "v.mp4"),
                  SimpleNamespace(complete=False, frames=40, frame_count=90, spots=[1, 2]))
        return SimpleNamespace(interrupted=True)

    monkeypatch.setattr(E, "run_spotting", stopped)
    assert main(["spotting", "--data", f"table:{table}", "-o", str(tmp_path / "o")]) == 130
    out = capsys.readouterr().out
    assert "v.mp4: stopped at frame 40 of 90" in out and "analysed, 2 spot(s)" not in out

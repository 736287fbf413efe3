"""Spotting evaluation (merstudio.analysis.spotting_eval): matching and metrics on hand-made intervals, whose
expected TP/FP/FN/F1 are worked out by hand here, and the ground-truth readers (CAS(ME)^2 image numbers to the
analysis' frame positions; a table)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import openpyxl
import pytest

from merstudio.analysis.spotting_eval import (
    LongVideo,
    Span,
    casme_sq_truth,
    evaluate_video,
    match_video,
    parse_data,
    pooled,
    select_videos,
    table_truth,
)
from merstudio.errors import InputError


def gt(*bounds: tuple[int, int], typ: str = "micro") -> LongVideo:
    return LongVideo("v", Path("v"), [Span(a, b, typ) for a, b in bounds])


def spots(*bounds: tuple[int, int]) -> list[Span]:
    return [Span(a, b) for a, b in bounds]


def test_iou_exactly_half_counts_and_below_does_not():
    # GT 0-9 (10 frames) vs spot 0-4 (5): 5 / 10 = 0.5 -> TP. GT 20-29 vs spot 20-23: 4 / 10 = 0.4 -> FN + FP.
    r = evaluate_video(gt((0, 9), (20, 29)), spots((0, 4), (20, 23)))
    assert [(i, j) for i, j, _ in r.pairs] == [(0, 0)] and r.pairs[0][2] == 0.5
    s = pooled([r])["overall"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5


def test_one_spot_cannot_match_two_gt():
    # spot 0-7 has IoU 4/8 = 0.5 with both GT 0-3 and GT 4-7: it takes one; the other is missed.
    r = evaluate_video(gt((0, 3), (4, 7)), spots((0, 7)))
    s = pooled([r])["overall"]
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)
    assert s.precision == 1.0 and s.recall == 0.5 and s.f1 == pytest.approx(2 / 3)


def test_a_gt_cannot_be_matched_twice():
    # both spots overlap GT 10-19 (IoU 1.0 and 0.9): one TP, the other spot is a false positive.
    r = evaluate_video(gt((10, 19)), spots((10, 18), (10, 19)))
    assert [(i, j) for i, j, _ in r.pairs] == [(0, 1)]  # the better one
    s = pooled([r])["overall"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)
    assert s.f1 == pytest.approx(2 * 0.5 * 1.0 / 1.5)


def test_the_most_matches_win():
    # GT A 0-9, GT B 10-19. Spot X 5-14 overlaps both at 5/15 = 0.33 (no match); spot Y 0-11: A 10/12 = .83,
    # B 2/20 = .1 -> Y matches A; spot Z 10-19 matches B (1.0). Two TPs, X a false positive.
    r = evaluate_video(gt((0, 9), (10, 19)), spots((5, 14), (0, 11), (10, 19)))
    assert sorted((i, j) for i, j, _ in r.pairs) == [(0, 1), (1, 2)]
    assert pooled([r])["overall"] == pooled([r])["micro"]


def test_pooled_over_videos_and_types():
    # video 1: micro GT 0-9, spot 0-9 -> micro TP.
    # video 2: macro GT 0-59 (no spot near it) -> macro FN; spot 100-103 (4 frames <= 15 at 30 fps) -> micro FP;
    #          spot 200-259 (60 frames) -> macro FP.
    # video 3: analysis failed -> left out.
    v1 = evaluate_video(gt((0, 9)), spots((0, 9)), fps=30)
    v2 = evaluate_video(gt((0, 59), typ="macro"), spots((100, 103), (200, 259)), fps=30)
    v3 = evaluate_video(gt((0, 9)), [], status="failed", error="boom")
    scores = pooled([v1, v2, v3])
    assert list(scores) == ["micro", "macro", "overall"]
    micro, macro, overall = scores["micro"], scores["macro"], scores["overall"]
    assert (micro.tp, micro.fp, micro.fn) == (1, 1, 0)
    assert micro.precision == 0.5 and micro.recall == 1.0 and micro.f1 == pytest.approx(2 / 3)
    assert (macro.tp, macro.fp, macro.fn) == (0, 1, 1) and macro.f1 == 0.0
    # overall: P = 1/3, R = 1/2, F1 = 2 * (1/6) / (5/6) = 0.4
    assert (overall.tp, overall.fp, overall.fn) == (1, 2, 1) and overall.f1 == pytest.approx(0.4)
    only_micro = pooled([v1, v2, v3], "micro")
    assert list(only_micro) == ["micro"] and only_micro["micro"] == micro


def test_a_spot_takes_the_type_of_the_gt_it_matches():
    # spot 0-20 (21 frames: macro by its length at 30 fps) matches micro GT 0-15 (16/21): a micro TP
    r = evaluate_video(gt((0, 15)), spots((0, 20)), fps=30)
    assert r.spots[0].type == "micro"
    assert pooled([r])["micro"].tp == 1 and pooled([r])["macro"].fp == 0


def test_match_video_iou_threshold():
    assert match_video([Span(0, 9)], [Span(0, 4)], iou=0.6) == []
    assert match_video([Span(0, 9)], [Span(0, 4)], iou=0.5) == [(0, 0, 0.5)]


# ------------------------------------------------------------------------------------------ ground truth readers


def _frames(folder: Path, numbers: list[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    img = np.full((16, 16, 3), 128, np.uint8)
    for k in numbers:
        assert cv2.imwrite(str(folder / f"img{k}.jpg"), img)


def _sheet(path: Path, code: list[list], naming1: list[list], naming2: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CASFEcode_final"
    for r in code:
        ws.append(r)
    for name, rows in (("naming rule1", naming1), ("naming rule2", naming2)):
        w2 = wb.create_sheet(name)
        for r in rows:
            w2.append(r)
    wb.save(path)


def casme_sq_gap_tree(root: Path) -> Path:
    """s15/15_0101...: img1..img40 (numbered from 1); s16/16_0102...: img1..img10 and img15..img40 (a gap)."""
    _frames(root / "rawpic" / "s15" / "15_0101disgustingteeth", list(range(1, 41)))
    _frames(root / "rawpic" / "s16" / "16_0102girlcrashing", list(range(1, 11)) + list(range(15, 41)))
    code = [
        [1, "disgust1_1", 5, 7, 9, "12", "happiness", "micro-expression", "happy"],
        [1, "disgust1_2", 20, 25, 35, "4", "disgust", "macro-expression", "disgust"],
        [1, "disgust1_3", 12, 14, 0, "4", "disgust", "micro-expression", "disgust"],  # offset 0: not coded
        [2, "disgust2_1", 20, 22, 24, "1+2", "surprise", "micro-expression", "surprise"],
        [2, "disgust2_2", 3, 4, 5, "10", "disgust", "micro-expression", "disgust"],
    ]
    _sheet(root / "CAS(ME)^2code_final.xlsx", code, [[15, "s15", 1], [16, "s16", 2]],
           [["0101", "disgust1"], ["0102", "disgust2"]])
    return root


def test_casme_sq_image_numbers_become_frame_positions(tmp_path):
    truth = casme_sq_gap_tree(tmp_path)
    t = casme_sq_truth(truth)
    assert [v.name for v in t.videos] == ["s15/15_0101disgustingteeth", "s16/16_0102girlcrashing"]
    first, second = t.videos
    # numbered from 1: img5..img9 are frames 4..8; the macro row img20..img35 frames 19..34
    assert [(g.onset, g.offset, g.type) for g in first.gt] == [(4, 8, "micro"), (19, 34, "macro")]
    # a gap (img11..img14 missing): img3..img5 -> 2..4; img20 is the 16th image (1..10, 15..20) -> 15..19
    assert [(g.onset, g.offset) for g in second.gt] == [(2, 4), (15, 19)]
    assert t.uncoded == 1 and t.fps == 30.0 and t.intervals == 4
    select_videos(t, ["16_0102girlcrashing"])
    assert [v.name for v in t.videos] == ["s16/16_0102girlcrashing"]
    with pytest.raises(InputError, match="--video nope"):
        select_videos(t, ["nope"])


def test_casme_sq_missing_frames_refused_unless_allowed(tmp_path):
    root = casme_sq_gap_tree(tmp_path)
    (root / "rawpic" / "s16" / "16_0102girlcrashing" / "img24.jpg").unlink()  # the offset of disgust2_1
    with pytest.raises(InputError, match="offset frame 24 not found"):
        casme_sq_truth(root)
    t = casme_sq_truth(root, allow_missing=True)
    assert t.intervals == 3 and len(t.skipped) == 1


def test_table_truth(tmp_path):
    _frames(tmp_path / "clips" / "a", list(range(0, 30)))
    (tmp_path / "b.mp4").write_bytes(b"")  # exists: the reader does not decode
    table = tmp_path / "spots.csv"
    table.write_text("video,onset,offset,type\nclips/a,3,9,micro\nclips/a,10,,\nb.mp4,40,100,\n"
                     "clips/a,12,20,Macro-expression\n")
    t = table_truth(table)
    assert [v.name for v in t.videos] == ["clips/a", "b.mp4"] and t.uncoded == 1
    assert [(g.onset, g.offset, g.type) for g in t.videos[0].gt] == [(3, 9, "micro"), (12, 20, "macro")]
    assert t.videos[1].gt[0].type == ""  # typed by its length when scored
    assert evaluate_video(t.videos[1], [], fps=30).video.gt[0].type == "macro"
    table.write_text("video,onset,offset,type\nclips/a,9,3,\n")
    with pytest.raises(InputError, match="row 2: offset 3 is before onset 9"):
        table_truth(table)
    table.write_text("video,onset,offset,type\nclips/a,1,3,blink\nmissing.mp4,1,2,\nclips/a,1,4,\n")
    t = table_truth(table, allow_missing=True)
    assert t.intervals == 1 and len(t.skipped) == 2
    table.write_text("clip,start,end\n")
    with pytest.raises(InputError, match="missing column"):
        table_truth(table)


def test_parse_data():
    assert parse_data("CAS(ME)^2:/x") == ("casme_sq", Path("/x"))
    assert parse_data("table:f.csv") == ("table", Path("f.csv"))
    for bad in ("smic:/x", "casme2:/x", "nothing"):
        with pytest.raises(InputError):
            parse_data(bad)


def test_a_type_with_nothing_to_count_reads_a_dash_not_zero():
    from merstudio.analysis.spotting_eval import Score, score_table

    rows = score_table({"micro": Score(2, 1, 0), "macro": Score(0, 0, 0), "late": Score(0, 2, 0)})
    assert rows[2] == "| micro | 2 | 1 | 0 | 0.667 | 1.000 | 0.800 |"
    assert rows[3] == "| macro | 0 | 0 | 0 | – | – | – |"
    assert rows[4] == "| late | 0 | 2 | 0 | 0.000 | – | 0.000 |"  # spots, none right: precision 0 is a fact


def test_an_unmatched_spot_the_spotter_kept_is_a_micro_false_positive():
    # The spotter keeps up to 0.5 s and a frame of rounding (merstudio.features.spotting: 16 frames at 30 fps, 31 at
    # 60). Such a candidate matching nothing is a false positive of the micro row, not a macro one: 16 frames at 30
    # fps (0.533 s) and 31 at 60 fps (0.517 s) are micro FPs; 17 frames at 30 fps (0.567 s) is past the spotter's bound.
    far = gt((1000, 1005))
    assert pooled([evaluate_video(far, spots((0, 15)), fps=30)])["micro"].fp == 1
    assert pooled([evaluate_video(far, spots((0, 30)), fps=60)])["micro"].fp == 1
    r = evaluate_video(far, spots((0, 16)), fps=30)
    assert pooled([r])["micro"].fp == 0 and pooled([r])["macro"].fp == 1

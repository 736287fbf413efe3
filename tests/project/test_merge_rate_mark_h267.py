"""`project merge` carries a frame folder's rate that a user set (h256's rate_set mark) as it carries the other
per-video settings: one only the other copy set comes across with its mark (this copy's run of the folder retimed,
as setting it here does), said in the summary; set in both copies to different rates, this copy's is kept and the
conflict named; a folder only the other copy has keeps its mark; undo puts it all back. Before, the other copy's
rate was lost and the folder still read '30 fps assumed' (h267 item 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from project_rows import rows

from merstudio.project import Project
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def _folder(where: Path, n: int = 40, shade: int = 0) -> Path:
    where.mkdir(parents=True)
    for k in range(n):
        cv2.imwrite(str(where / f"img{k + 1:04d}.png"), np.full((8, 8, 3), shade + k, np.uint8))
    return where


def _copies(root: Path) -> tuple[Path, Path]:
    """A: a 40-frame folder added at the 30 fps assumed and analysed at 30; B copied from it (folder and all)."""
    a = root / "A" / "study.merproj"
    with Project.create(a) as p:
        v = p.add_video(_folder(root / "A" / "burst"), fps=30.0, frame_count=40, width=8, height=8)
        aid = p.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
        p.append_frames(aid, rows(40))
        p.finish_analysis(aid)
    shutil.copytree(root / "A", root / "B")
    return a, root / "B" / "study.merproj"


def _set(path: Path, fps: float) -> None:
    with Project.open(path) as p:
        p.set_video_fps(p.videos()[0].id, fps)


def _rate(p: Project) -> tuple[float, bool]:
    v = p.videos()[0]
    return v.fps, p.rate_was_set(v)


def test_a_rate_set_in_the_other_copy_comes_with_its_mark_and_undo_takes_it_back(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _set(b, 60)  # bob sets the folder's rate in his copy; alice's still holds the 30 assumed
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert not plan.empty
        assert ("  frame rates: burst 30 -> 60 fps, set in the other copy (its analysis here was measured at 30 fps: "
                "re-run it)") in plan.lines()
        done = apply_merge(p, plan)
        assert "frame rates: burst 30 -> 60 fps, set in the other copy" in done.line()
        vid = p.videos()[0].id
        assert _rate(p) == (60, True)  # no longer '30 fps assumed'
        assert p.load_frames(vid)["timestamp"].iloc[-1] == pytest.approx(39 / 60)  # its run retimed, as set here
        assert p.analysed_at(vid) == 30
        assert plan_merge(p, b).empty  # merging again finds nothing
        undo_merge(p, done)
        assert _rate(p) == (30, False)
        assert p.load_frames(vid)["timestamp"].iloc[-1] == pytest.approx(39 / 30)
        assert p.analysed_at(vid) is None


def test_a_rate_that_only_the_other_copy_marked_set_is_carried_even_at_the_same_rate(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _set(b, 30)  # bob confirms 30: set, no longer a guess
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert "  frame rates: burst 30 fps (no longer assumed), set in the other copy" in plan.lines()
        apply_merge(p, plan)
        assert _rate(p) == (30, True)


def test_rates_set_in_both_copies_differently_keep_this_copys_and_name_the_conflict(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _set(a, 25)
    _set(b, 60)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        lines = plan.lines()
        assert ("  frame rates: burst set to 25 fps here and 60 in the other copy: a conflict, this copy's kept "
                "(Analysis > Frame rate of this folder… or merstudio project set-fps to change it)") in lines
        assert lines[-1] == "  nothing to merge"  # not 'this project has everything the other copy holds'
        apply_merge(p, plan)
        assert _rate(p) == (25, True)


def test_a_rate_this_copy_set_stands_against_the_other_copys_unset_one(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _set(a, 25)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert plan.empty and not any("frame rates" in x for x in plan.lines())
        apply_merge(p, plan)
        assert _rate(p) == (25, True)


def test_a_folder_only_the_other_copy_has_keeps_the_rate_set_there(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    with Project.open(b) as p:
        v = p.add_video(_folder(tmp_path / "B" / "second", 12, shade=100), fps=30.0, frame_count=12, width=8,
                        height=8)
        p.set_video_fps(v.id, 120)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        done = apply_merge(p, plan)
        second = next(v for v in p.videos() if v.name == "second")
        assert (second.fps, p.rate_was_set(second)) == (120, True)
        undo_merge(p, done)
        assert [v.name for v in p.videos()] == ["burst"]
        assert p.get_setting(f"rate_set/{second.id}") is None

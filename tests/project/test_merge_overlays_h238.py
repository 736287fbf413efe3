"""`project merge` of two copies: an overlay (a named imported table of a video) only the other copy had was lost; one
of a name both have, with another table, keeps this copy's and says so; a video the other copy analysed and this one
has not is named, with the hint to run the analysis here (analyses are not merged) (h238)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from support.merge_copies import copy_of, study

from merstudio.project import Project
from merstudio.project.merge import apply_merge, plan_merge, undo_merge


def _copies(root: Path) -> tuple[Path, Path]:
    a = study(root / "A")
    return a, copy_of(a, root / "B")


def _table(level: float, n: int = 20) -> pd.DataFrame:
    return pd.DataFrame({"frame": np.arange(n), "face_id": 0, "AU12_r": np.full(n, level), "AU12_c": 1})


def _overlay(path: Path, name: str, level: float) -> None:
    with Project.open(path) as p:
        p.save_overlay(p.videos()[0].id, name, _table(level), kind="openface", meta={"source": f"{name}.csv"})


def _overlays(path: Path) -> dict[str, float]:
    with Project.open(path, read_only=True) as p:
        vid = p.videos()[0].id
        return {o.name: float(p.load_overlay(vid, o.name)["AU12_r"].iloc[0]) for o in p.overlays(vid)}


def test_an_overlay_only_the_other_copy_has_comes_across_and_undo_takes_it_back(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _overlay(b, "openface", 2.5)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert not plan.empty
        assert "  overlays: 'openface' for clip.avi from the other copy" in plan.lines()
        done = apply_merge(p, plan)
        assert done.line().endswith("; overlays 'openface' for clip.avi from the other copy"), done.line()
        vid = p.videos()[0].id
        got = p.load_overlay(vid, "openface")
        assert got["AU12_r"].tolist() == [2.5] * 20 and got["AU12_c"].dtype == np.int64  # as imported there
        assert p.overlays(vid)[0].kind == "openface" and p.overlays(vid)[0].meta == {"source": "openface.csv"}
        assert plan_merge(p, b).empty  # merging again finds nothing
        undo_merge(p, done)
        assert p.overlays(vid) == []
        apply_merge(p, plan)  # redo
    assert _overlays(a) == {"openface": 2.5}


def test_an_overlay_of_a_video_new_here_comes_with_it(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    clip = tmp_path / "B" / "other.avi"
    clip.write_bytes(b"another video")
    with Project.open(b) as p:
        v = p.add_video(clip, 30.0, 100, 64, 48)
        p.save_overlay(v.id, "pyfeat", _table(1.0), kind="pyfeat")
    with Project.open(a) as p:
        done = apply_merge(p, plan_merge(p, b))
        assert len(done.videos) == 1
        assert [o.name for o in p.overlays(done.videos[0])] == ["pyfeat"]
        undo_merge(p, done)
        assert len(p.videos()) == 1
        assert p._query("SELECT COUNT(*) FROM overlays")[0][0] == 0


def test_an_overlay_of_a_name_both_have_that_differs_keeps_this_copys_and_says_so(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    _overlay(a, "openface", 1.0)
    _overlay(b, "openface", 3.0)  # the same name, another table
    _overlay(b, "model before", 0.5)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert ("  overlays: 'model before' for clip.avi from the other copy; this copy's 'openface' for clip.avi "
                "kept (the other copy's differs)") in plan.lines()
        apply_merge(p, plan)
    assert _overlays(a) == {"openface": 1.0, "model before": 0.5}
    _overlay(b, "openface", 1.0)  # the same table under the name: nothing said (its meta and time may differ)
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert plan.empty and not any("overlays" in x for x in plan.lines()), plan.lines()


def test_a_video_analysed_in_the_other_copy_only_is_named_with_the_hint_to_run_it_here(tmp_path: Path) -> None:
    a, b = _copies(tmp_path)
    with Project.open(b) as p:
        run = p.begin_analysis(p.videos()[0].id)
        p.finish_analysis(run)
    with Project.open(a) as p:
        lines = plan_merge(p, b).lines()
    assert lines[-2:] == ["  analyses: clip.avi analysed in the other copy only; analyses are not merged (run the "
                          "analysis here)", "  nothing to merge"], lines  # not "this project has everything"
    with Project.open(b) as p:  # the other way: this copy has it, nothing to say
        assert not any("analyses" in x for x in plan_merge(p, a).lines())

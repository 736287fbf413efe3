"""Schema 6: a re-run keeps the video's previous run (inactive) so that it can be undone. Readers see the active run
only; set_active_analysis swaps them; a third run drops the oldest; proposals come back with their ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from project_rows import rows
from support.old_projects import old_schema

from merstudio.errors import InputError, OutputError
from merstudio.project import SCHEMA_VERSION, Event, Project
from merstudio.project.export import export_frames_csv
from merstudio.project.schema import expected_schema


def _rows(n: int, shift: float) -> list[dict]:
    """rows() with every AU intensity moved by ``shift`` and landmarks, so two runs differ in every value."""
    out = rows(n)
    for r in out:
        for k in list(r):
            if k.endswith("_r"):
                r[k] = round(r[k] + shift, 3)
        if r["success"]:
            for i in range(3):
                r[f"x_{i}"], r[f"y_{i}"] = 10 * i + shift, 20 * i + shift
    return out


def _run(p: Project, vid: int, n: int, shift: float, status: str = "complete") -> int:
    aid = p.begin_analysis(vid, {"shift": shift}, device="cpu")
    p.append_frames(aid, _rows(n, shift))
    p.finish_analysis(aid, status)
    return aid


def _frame_rows(p: Project, aid: int) -> int:
    return int(p._query("SELECT COUNT(*) FROM frames WHERE analysis_id = ?", (aid,))[0][0])


def _runs(p: Project, vid: int) -> list[tuple[int, str, int]]:
    return [tuple(r) for r in p._query("SELECT id, status, active FROM analyses WHERE video_id = ? ORDER BY id",
                                       (vid,))]


@pytest.fixture
def proj(tmp_path: Path, video_file: Path):
    with Project.create(tmp_path / "runs.merproj") as p:
        p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        yield p


def test_schema_6_has_the_active_column() -> None:
    assert SCHEMA_VERSION >= 6 and "active" in expected_schema(6)["analyses"]


def test_a_rerun_keeps_exactly_one_previous_run(proj: Project) -> None:
    first = _run(proj, 1, 20, 0.0)
    old = proj.load_frames(1)
    assert proj.previous_analysis(1) is None
    second = _run(proj, 1, 12, 5.0)
    a, prev = proj.analysis(1), proj.previous_analysis(1)
    assert a is not None and a.id == second and a.active and a.settings == {"shift": 5.0}
    assert prev is not None and prev.id == first and not prev.active and prev.status == "complete"
    assert _runs(proj, 1) == [(first, "complete", 0), (second, "complete", 1)]
    # readers see the new run only: its 12 rows and its values, nothing of the first run's 20
    new = proj.load_frames(1)
    assert len(new) == 12 and proj.frame_count_stored(1) == 12
    assert np.allclose(new["AU12_r"].to_numpy(), old["AU12_r"].to_numpy()[:12] + 5.0, atol=1e-3)
    assert proj.load_frames(1, 12, 20).empty
    assert proj.landmarks(1, 3)[0][1].tolist() == [15.0, 25.0]
    assert _frame_rows(proj, first) == 20  # kept, unread


def test_a_third_run_drops_the_oldest_with_its_frames(proj: Project) -> None:
    first, second = _run(proj, 1, 20, 0.0), _run(proj, 1, 15, 1.0)
    third = _run(proj, 1, 10, 2.0)
    assert _runs(proj, 1) == [(second, "complete", 0), (third, "complete", 1)]
    assert _frame_rows(proj, first) == 0 and _frame_rows(proj, second) == 15
    assert proj.previous_analysis(1).id == second  # type: ignore[union-attr]
    assert len(proj.load_frames(1)) == 10


def test_set_active_analysis_swaps_back_exactly(proj: Project, tmp_path: Path) -> None:
    first = _run(proj, 1, 20, 0.0)
    old_df, old_lm = proj.load_frames(1), proj.landmarks(1, 3)
    export_frames_csv(proj, 1, tmp_path / "old.csv")
    second = _run(proj, 1, 12, 5.0)
    new_df = proj.load_frames(1)

    proj.set_active_analysis(1, first)
    assert proj.analysis(1).id == first and proj.previous_analysis(1).id == second  # type: ignore[union-attr]
    pd.testing.assert_frame_equal(proj.load_frames(1), old_df)
    assert proj.landmarks(1, 3)[0].tolist() == old_lm[0].tolist() and proj.frame_count_stored(1) == 20
    export_frames_csv(proj, 1, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()

    proj.set_active_analysis(1, second)
    pd.testing.assert_frame_equal(proj.load_frames(1), new_df)
    proj.set_active_analysis(1, second)  # already active: nothing changes
    assert _runs(proj, 1) == [(first, "complete", 0), (second, "complete", 1)]


def test_a_run_after_going_back_keeps_the_run_gone_back_to(proj: Project) -> None:
    first, second = _run(proj, 1, 20, 0.0), _run(proj, 1, 12, 5.0)
    proj.set_active_analysis(1, first)  # an undone re-run
    third = _run(proj, 1, 8, 9.0)
    assert _runs(proj, 1) == [(first, "complete", 0), (third, "complete", 1)]
    assert _frame_rows(proj, second) == 0


def test_set_active_analysis_refuses_another_videos_run_and_a_gone_one(proj: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.avi"
    other.write_bytes(b"another video" * 1000)
    v2 = proj.add_video(other, fps=25.0, frame_count=10, width=64, height=48)
    first, theirs = _run(proj, 1, 20, 0.0), _run(proj, v2.id, 5, 1.0)
    _run(proj, 1, 10, 1.0)
    with pytest.raises(InputError, match=f"belongs to video {v2.id}"):
        proj.set_active_analysis(1, theirs)
    _run(proj, 1, 10, 2.0)  # drops the first run
    with pytest.raises(InputError, match="no longer stored"):
        proj.set_active_analysis(1, first)
    assert proj.analysis(v2.id).id == theirs and proj.previous_analysis(v2.id) is None  # type: ignore[union-attr]
    assert len(proj.load_frames(1)) == 10


def test_an_incomplete_run_is_replaced_unless_it_is_all_there_is(proj: Project) -> None:
    failed = _run(proj, 1, 5, 0.0, status="failed")
    done = _run(proj, 1, 20, 1.0)
    # the failed run was the only data: it is the one kept
    assert _runs(proj, 1) == [(failed, "failed", 0), (done, "complete", 1)]
    cancelled = _run(proj, 1, 7, 2.0, status="cancelled")
    assert _runs(proj, 1) == [(done, "complete", 0), (cancelled, "cancelled", 1)]
    crashed = proj.begin_analysis(1)  # left "running" by a crash
    # the cancelled run is replaced: the complete one before it stays the run to go back to
    assert _runs(proj, 1) == [(done, "complete", 0), (crashed, "running", 1)]
    assert _frame_rows(proj, cancelled) == 0
    latest = _run(proj, 1, 3, 3.0)
    assert _runs(proj, 1) == [(done, "complete", 0), (latest, "complete", 1)]


def test_proposals_come_back_with_their_ids(proj: Project) -> None:
    _run(proj, 1, 20, 0.0)
    accepted = proj.add_event(Event(1, 2, 3, 4, source="model", status="accepted", coder="ann"))
    before = proj.replace_proposals(1, [Event(1, 5, 6, 7, source="model", status="proposal", confidence=0.5,
                                              emotion="positive", aus="12", note="n", coder="model"),
                                        Event(1, 9, 9, 11, face_id=1, source="model", status="proposal")])
    assert proj.proposals(1) == before
    removed, after = proj.swap_proposals(1, [Event(1, 30, 31, 32, source="model", status="proposal")])
    assert removed == before and proj.proposals(1) == after
    assert (after[0].id or 0) > max(e.id or 0 for e in before)  # ids just freed are not reused
    assert proj.replace_proposals(1, before) == before  # same ids, every field
    assert proj.proposals(1) == before and proj.event(accepted.id) == accepted  # type: ignore[arg-type]
    with pytest.raises(InputError, match="taken by another event"):
        proj.replace_proposals(1, [*before, Event(1, 1, 1, 1, source="model", status="proposal", id=accepted.id)])
    assert proj.proposals(1) == before  # refused as a whole
    with pytest.raises(InputError, match="not an open proposal"):
        proj.replace_proposals(1, [Event(1, 1, 1, 1, source="model", status="accepted")])
    with pytest.raises(InputError, match="not of video 1"):
        proj.replace_proposals(1, [Event(2, 1, 1, 1, source="model", status="proposal")])


def test_set_active_analysis_with_proposals_is_one_transaction(proj: Project) -> None:
    first = _run(proj, 1, 20, 0.0)
    before = proj.replace_proposals(1, [Event(1, 5, 6, 7, source="model", status="proposal")])
    second = _run(proj, 1, 10, 1.0)
    _, after = proj.swap_proposals(1, [Event(1, 12, 13, 14, source="model", status="proposal")])
    taken = proj.add_event(Event(1, 1, 1, 2, coder="ann"))
    bad = [*before, Event(1, 3, 3, 3, source="model", status="proposal", id=taken.id)]
    with pytest.raises(InputError, match="taken"):
        proj.set_active_analysis(1, first, proposals=bad)
    assert proj.analysis(1).id == second and proj.proposals(1) == after  # type: ignore[union-attr]
    proj.set_active_analysis(1, first, proposals=before)
    assert proj.analysis(1).id == first and proj.proposals(1) == before  # type: ignore[union-attr]


def test_a_read_only_opener_cannot_switch_runs(proj: Project) -> None:
    first, second = _run(proj, 1, 20, 0.0), _run(proj, 1, 10, 1.0)
    with Project.open(proj.path, read_only=True) as ro:
        assert ro.previous_analysis(1).id == first  # type: ignore[union-attr]
        with pytest.raises(OutputError, match="read-only"):
            ro.set_active_analysis(1, first)
        with pytest.raises(OutputError, match="read-only"):
            ro.begin_analysis(1)
        with pytest.raises(OutputError, match="read-only"):
            ro.swap_proposals(1, [])
        assert ro.analysis(1).id == second  # type: ignore[union-attr]
    assert _runs(proj, 1) == [(first, "complete", 0), (second, "complete", 1)]


def _v5_file(path: Path) -> None:
    """A schema-5 project written as schema 5 wrote it: the migrations up to 5, then rows as that code stored
    them (one run per video; frames with float32 value and landmark blobs). A second video has two runs, which
    schema 5 never left but a hand-made file might."""
    con = old_schema(path, 5)
    for vid in (1, 2):
        con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                    " VALUES (?, NULL, ?, 10, 30.0, 50, 64, 48, 0)", (f"/x/clip{vid}.avi", f"h{vid}"))
    for aid, vid in ((1, 1), (2, 2), (3, 2)):
        con.execute("INSERT INTO analyses (id, video_id, created, status, columns, settings, device, model,"
                    " finished, owner) VALUES (?, ?, 0, 'complete', '[\"AU12_r\", \"AU12_c\"]', '{}', 'cpu', '',"
                    " 1, NULL)", (aid, vid))
        for f in range(6):
            vals = np.array([f / 10 + aid, f % 2], dtype=np.float32).tobytes()
            lm = np.array([[f, aid]], dtype=np.float32).tobytes()
            con.execute("INSERT INTO frames VALUES (?, ?, 0, ?, 0.9, 1, ?, ?)", (aid, f, f / 30, vals, lm))
    con.execute("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
                " source, status, created, modified) VALUES (1, 0, 1, 2, 3, '', '', 'model', 0.5, '', 'model',"
                " 'proposal', 0, 0)")
    con.close()


def test_a_schema_5_file_migrates_with_its_analysis_readable(tmp_path: Path) -> None:
    path = tmp_path / "v5.merproj"
    _v5_file(path)
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION
        a = p.analysis(1)
        assert a is not None and a.id == 1 and a.status == "complete" and a.active
        assert p.previous_analysis(1) is None
        df = p.load_frames(1)
        assert df["frame"].tolist() == list(range(6)) and df["AU12_c"].tolist() == [0, 1, 0, 1, 0, 1]
        assert np.allclose(df["AU12_r"], np.arange(6) / 10 + 1)
        assert p.landmarks(1, 4)[0].tolist() == [[4.0, 1.0]]
        # the newest of two runs is the active one, the other the previous
        assert p.analysis(2).id == 3 and p.previous_analysis(2).id == 2  # type: ignore[union-attr]
        assert np.allclose(p.load_frames(2)["AU12_r"], np.arange(6) / 10 + 3)
        assert [e.id for e in p.proposals(1)] == [1]
        # and a re-run of the migrated video keeps it as the previous run
        new = _run(p, 1, 4, 0.0)
        assert p.analysis(1).id == new and p.previous_analysis(1).id == 1  # type: ignore[union-attr]
        assert p.integrity_check() == "ok"
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION and len(p.load_frames(1)) == 4


def test_what_a_run_found_is_kept_with_that_run(proj: Project) -> None:
    """finish_analysis(found=...) merges the run's own findings (the turn an automatic run chose) into its settings,
    so swapping the active run swaps them too."""
    first = proj.begin_analysis(1, {"turn": None, "shift": 0.0})
    proj.finish_analysis(first, found={"turned": 180})
    second = proj.begin_analysis(1, {"turn": None})
    proj.finish_analysis(second, found={"turned": 0})
    assert proj.analysis(1).settings == {"turn": None, "turned": 0}
    proj.set_active_analysis(1, first)
    assert proj.analysis(1).settings == {"turn": None, "shift": 0.0, "turned": 180}

"""Named per-frame overlay tables (schema v3): save / list / load / replace / delete, and the v2 -> v3 migration."""


import numpy as np
import pandas as pd
import pytest
from support.old_projects import old_schema

from merstudio.errors import InputError
from merstudio.project import SCHEMA_VERSION, Event, Project


def _table(n=50, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"frame": np.arange(n), "face_id": np.where(np.arange(n) < 3, -1, 0),
                         "timestamp": np.arange(n) / 30.0, "AU12_r": rng.uniform(0, 5, n).round(3),
                         "AU12_c": (rng.uniform(0, 1, n) > 0.5).astype(np.int64)})


def test_overlay_round_trip(tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=50, width=64, height=48)
        df = _table().sample(frac=1.0, random_state=1)  # stored sorted by frame whatever the input order
        info = proj.save_overlay(v.id, "OpenFace", df, kind="openface", meta={"mismatches": ["fps 25 vs 30"]})
        assert info.rows == 50 and info.columns == ("timestamp", "AU12_r", "AU12_c") and info.kind == "openface"
        back = proj.load_overlay(v.id, "OpenFace")
        ref = _table()
        assert list(back.columns) == ["frame", "face_id", "timestamp", "AU12_r", "AU12_c"]
        assert back["frame"].tolist() == list(range(50)) and back["face_id"].tolist() == ref["face_id"].tolist()
        assert np.allclose(back["AU12_r"], ref["AU12_r"], atol=1e-6)
        assert back["AU12_c"].dtype == np.int64 and back["AU12_c"].tolist() == ref["AU12_c"].tolist()
        # same name replaces; another name adds; listing carries no data but the metadata
        proj.save_overlay(v.id, "OpenFace", _table(10, seed=3), kind="openface")
        proj.save_overlay(v.id, "model:starter", pd.DataFrame({"frame": [0, 1], "p_positive": [0.1, np.nan]}))
        names = [(o.name, o.rows) for o in proj.overlays(v.id)]
        assert names == [("OpenFace", 10), ("model:starter", 2)]
        m = proj.load_overlay(v.id, "model:starter")
        assert m["face_id"].tolist() == [0, 0] and np.isnan(m["p_positive"].iloc[1])
        assert proj.delete_overlay(v.id, "OpenFace") and not proj.delete_overlay(v.id, "OpenFace")
        with pytest.raises(KeyError):
            proj.load_overlay(v.id, "OpenFace")
    with Project.open(tmp_path / "p.merproj") as proj:  # survives reopening
        assert [o.name for o in proj.overlays(v.id)] == ["model:starter"]
        proj.remove_video(v.id)  # and goes with its video
        assert proj._query("SELECT COUNT(*) FROM overlays")[0][0] == 0


def test_overlay_bad_tables(tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path, fps=30.0, frame_count=50, width=64, height=48)
        with pytest.raises(InputError, match="no frame column"):
            proj.save_overlay(v.id, "x", pd.DataFrame({"AU01_r": [1.0]}))
        with pytest.raises(InputError, match="not numeric"):
            proj.save_overlay(v.id, "x", pd.DataFrame({"frame": [0], "label": ["a"]}))
        with pytest.raises(InputError, match="empty"):
            proj.save_overlay(v.id, " ", _table())
        with pytest.raises(KeyError):
            proj.save_overlay(v.id + 7, "x", _table())
        assert proj.overlays(v.id) == []


def test_v2_project_migrates_to_v3(tmp_path):
    """A file written by the v2 schema (built with the v2 migrations alone) opens, keeps its data, gains overlays."""
    path = tmp_path / "old.merproj"
    con = old_schema(path, 2)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/clip.avi', NULL, 'abc', 10, 30.0, 50, 64, 48, 0)")
    con.execute("INSERT INTO events (video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note,"
                " source, status, created, modified) VALUES (1, 0, 3, 4, 6, 'positive', '12', 'ann', NULL, '',"
                " 'manual', 'accepted', 0, 0)")
    con.close()
    assert SCHEMA_VERSION >= 3
    with Project.open(path) as proj:
        assert proj.schema_version == SCHEMA_VERSION
        assert [(e.onset, e.coder) for e in proj.events()] == [(3, "ann")]
        assert proj.overlays(1) == []
        proj.save_overlay(1, "OpenFace", _table())
        proj.add_event(Event(1, 10, 11, 12, coder="bo"))
    with Project.open(path) as proj:
        assert proj.load_overlay(1, "OpenFace").shape == (50, 5) and len(proj.events()) == 2

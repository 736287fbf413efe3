import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from project_rows import rows

from merstudio.errors import InputError, OutputError
from merstudio.project import SCHEMA_VERSION, Event, Project, normalize_aus, parse_aus
from merstudio.project.store import content_hash


@pytest.mark.parametrize("text,canon", [("4+7", "4+7"), ("l12", "L12"), ("R6", "R6"), ("1+2+L12", "1+2+L12"),
                                        (" 12C + 6 ", "12C+6"), ("", ""),
                                        # spaces between terms separate them: never one AU ("1 2" is not AU12)
                                        ("1 2", "1+2"), ("4 7", "4+7"), ("12 25", "12+25"), ("L 12 R 6", "L12+R6")])
def test_au_strings_valid(text, canon):
    assert normalize_aus(text) == canon


@pytest.mark.parametrize("text", ["4+", "X12", "4++7", "12+12", "123", "4,7", "L"])
def test_au_strings_invalid(text):
    with pytest.raises(ValueError):
        parse_aus(text)


def test_event_validation():
    with pytest.raises(InputError, match="onset <= apex"):
        Event(1, 10, 5, 20).validated()
    with pytest.raises(InputError, match="AU"):
        Event(1, 1, 2, 3, aus="4+X").validated()
    with pytest.raises(InputError, match="source"):
        Event(1, 1, 2, 3, source="guess").validated()
    with pytest.raises(InputError, match="confidence"):
        Event(1, 1, 2, 3, confidence=1.5).validated()


def test_frames_round_trip(project):
    v = project.videos()[0]
    df = project.load_frames(v.id)
    assert list(df["frame"]) == list(range(40))
    assert list(df.columns[:5]) == ["frame", "face_id", "timestamp", "confidence", "success"]
    expected = rows(40)
    assert df.loc[2, "face_id"] == -1 and df.loc[2, "success"] == 0
    np.testing.assert_allclose(df["AU12_r"], [r["AU12_r"] for r in expected], atol=1e-4)
    assert list(df["AU04_c"]) == [r["AU04_c"] for r in expected]
    assert "p_positive" in df.columns
    assert project.analysis(v.id).status == "complete"
    assert len(project.load_frames(v.id, 10, 15)) == 5


def test_columns_added_mid_run_and_landmarks(tmp_path, video_file):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video_file, 30, 10, 320, 240)
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, [{"frame": 0, "face_id": 0, "success": 1, "AU01_r": 1.0, "x_0": 5, "y_0": 6,
                                  "x_1": 7, "y_1": 8}])
        proj.append_frames(aid, [{"frame": 1, "face_id": 0, "success": 1, "AU01_r": 2.0, "p_a": 0.5}])
        df = proj.load_frames(v.id)
        assert list(df.columns[5:]) == ["AU01_r", "p_a"]
        assert np.isnan(df.loc[0, "p_a"]) and df.loc[1, "p_a"] == 0.5
        lm = proj.landmarks(v.id, 0)
        np.testing.assert_array_equal(lm[0], [[5, 6], [7, 8]])
        # a new analysis replaces the old results
        aid2 = proj.begin_analysis(v.id)
        assert aid2 != aid and len(proj.load_frames(v.id)) == 0


def test_event_crud_and_history(project):
    project.coder = "bob"
    v = project.videos()[0]
    evs = project.events(v.id)
    assert [e.onset for e in evs] == [5, 20, 33]
    e = project.update_event(replace(evs[0], aus="l12", offset=14))
    assert project.event(e.id).aus == "L12" and project.event(e.id).offset == 14
    gone = project.delete_event(evs[1].id)
    assert project.event(evs[1].id) is None
    restored = project.add_event(gone)  # undo of a delete keeps the id
    assert restored.id == gone.id and project.event(gone.id) == gone
    hist = project.event_history(evs[0].id)
    assert [h["action"] for h in hist] == ["create", "update"]
    assert hist[1]["before"]["offset"] == 12 and hist[1]["after"]["offset"] == 14 and hist[1]["coder"] == "bob"
    assert [h["action"] for h in project.event_history(gone.id)] == ["create", "delete", "create"]
    with pytest.raises(InputError):
        project.update_event(replace(evs[0], aus="bad"))
    assert project.event(e.id).aus == "L12"  # a refused edit changes nothing
    assert len(project.events(status="proposal")) == 1


def test_a_deleted_events_id_is_never_given_to_another(project):
    """SQLite hands out max(id) + 1: delete the newest event and the next one would take its id, its history
    (and a checkpoint's list of trained events) then mixing two events."""
    v = project.videos()[0]
    newest = max(project.events(v.id), key=lambda e: e.id)
    project.delete_event(newest.id)
    other = project.add_event(Event(v.id, 37, 38, 39, coder="erin"))
    assert other.id != newest.id
    assert [h["action"] for h in project.event_history(newest.id)] == ["create", "delete"]
    batch = project.add_events([Event(v.id, 13, 14, 15), Event(v.id, 16, 17, 18)])
    assert len({e.id for e in batch} | {other.id, newest.id}) == 4


def test_replace_proposals(project):
    v = project.videos()[0]
    new = project.replace_proposals(v.id, [Event(v.id, 1, 2, 3, source="model", status="proposal"),
                                          Event(v.id, 10, 11, 13, source="model", status="proposal")])
    assert [e.onset for e in project.events(v.id, status="proposal")] == [1, 10]
    assert all(e.id for e in new)
    assert len(project.events(v.id, status="accepted")) == 2  # coded events untouched


def test_settings_coders_reopen(project, tmp_path):
    project.set_setting("au_view", {"aus": [1, 12]})
    project.add_coder("ann")
    project.add_coder("bob")
    project.add_coder("ann")
    path = project.path
    project.close()
    with Project.open(path) as p2:
        assert p2.get_setting("au_view") == {"aus": [1, 12]}
        assert p2.get_setting("missing", 3) == 3
        assert p2.coders() == ["ann", "bob"]
        assert len(p2.events()) == 3 and p2.schema_version == SCHEMA_VERSION
        assert p2.integrity_check() == "ok"


def test_backup_on_save(project):
    bak = project.save()
    assert bak.name == "study.merproj.bak"
    with Project.open(bak) as b:
        assert len(b.events()) == 3
    project.add_event(Event(1, 0, 0, 1))
    assert len(project.events()) == 4


def test_migration_from_v1(tmp_path):
    path = tmp_path / "old.merproj"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA application_id = 1296388691")
    from merstudio.project.schema import _SCHEMA_V1

    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied REAL)")
    con.executescript(_SCHEMA_V1)
    con.execute("INSERT INTO schema_version VALUES (1, 0)")
    con.close()
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION
        cols = [r[1] for r in p._query("PRAGMA table_info(analyses)")]
        assert "finished" in cols


def test_bad_project_files(tmp_path):
    with pytest.raises(InputError, match="no such project"):
        Project.open(tmp_path / "nope.merproj")
    junk = tmp_path / "junk.merproj"
    junk.write_bytes(b"hello, I am not a database" * 100)
    with pytest.raises(InputError, match="not a merstudio project"):
        Project.open(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputError, match="another program"):
        Project.open(other)
    good = tmp_path / "good.merproj"
    Project.create(good).close()
    data = bytearray(good.read_bytes())
    # wreck the first page after the file's header, all of it: since schema 7 the schema outgrows one page, and
    # page 1 holds only the pointers to its pages, at the page's end
    data[100:4096] = b"\xff" * 3996
    broken = tmp_path / "broken.merproj"
    broken.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged"):
        Project.open(broken)
    newer = tmp_path / "newer.merproj"
    with Project.create(newer) as p:
        p._con.execute("INSERT INTO schema_version VALUES (99, 0)")
    with pytest.raises(InputError, match="newer merstudio"):
        Project.open(newer)
    with pytest.raises(OutputError, match="already exists"):
        Project.create(good)


def test_relocate_moved_and_renamed_video(project, video_file, tmp_path):
    v = project.videos()[0]
    assert project.locate_video(v.id) == video_file.resolve()
    moved = tmp_path / "elsewhere" / "renamed.avi"
    moved.parent.mkdir()
    shutil.move(video_file, moved)
    assert project.locate_video(v.id) is None
    assert project.missing_reason(v.id) == "video not found (moved or deleted)"
    Path(v.path).write_bytes(b"another file under the old name")  # not missing: changed
    assert project.locate_video(v.id) is None and "content changed" in project.missing_reason(v.id)
    Path(v.path).unlink()
    assert project.locate_video(v.id, search_dirs=[moved.parent]) == moved.resolve()
    assert project.video(v.id).path == str(moved.resolve())
    other = tmp_path / "other.avi"
    other.write_bytes(b"x" * 100)
    with pytest.raises(InputError, match="not the same video"):
        project.relocate(v.id, other)
    assert project.add_video(moved, 30, 40, 320, 240).id == v.id  # same content -> same record


def test_content_hash_reads_head_and_tail(tmp_path):
    a = tmp_path / "a.bin"
    a.write_bytes(b"\0" * (3 << 20))
    b = tmp_path / "b.bin"
    b.write_bytes(b"\0" * ((3 << 20) - 1) + b"\1")
    c = tmp_path / "c.bin"
    c.write_bytes(b"\0" * (1 << 20) + b"\1" + b"\0" * ((2 << 20) - 1))  # differs only in the middle
    assert content_hash(a)[0] != content_hash(b)[0]
    assert content_hash(a)[0] == content_hash(c)[0]  # by design: only size + head + tail

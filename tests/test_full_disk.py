"""A really full disk (issue 14, item 4): a tiny tmpfs, filled, under a project, an export and an analysis.

- a project edit that hits ENOSPC fails with one line, changes nothing (no event, no history entry) and the next
  edit works once there is space;
- an export that hits ENOSPC keeps the previous file byte for byte and leaves no temporary;
- `merstudio analyze` into a full folder exits non-zero with one line and leaves a partial CSV of whole rows.

Needs Linux and root (to mount); skips with the reason elsewhere. The app's command level is in
tests/gui/test_full_disk_gui.py.
"""

from __future__ import annotations

import csv
import gc
import os
import sys

import pandas as pd
import pytest
from support.messages import one_line
from support.tinyfs import fill, tiny_tmpfs

from merstudio.errors import OutputError
from merstudio.project import Event, Project
from merstudio.project import export as ex


@pytest.fixture
def full_dir(tmp_path):
    with tiny_tmpfs(tmp_path / "tiny") as folder:
        yield folder


@pytest.fixture
def video_file(tmp_path):
    p = tmp_path / "interview.avi"
    p.write_bytes(os.urandom(4096))
    return p


def temporaries(folder) -> list[str]:
    return sorted(f.name for f in folder.iterdir() if f.name.endswith((".part", "-journal", ".tmp")))


def test_project_edit_on_a_full_disk_fails_cleanly(full_dir, video_file):
    with Project.create(full_dir / "study.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=40, width=64, height=64).id
        p.add_event(Event(vid, 1, 2, 3, coder="ann"))
        p.save(backup=False)  # the WAL folded into the file: what is left is the real free space
        before, n_hist = p.events(), len(p.event_history())
        filler = fill(full_dir)
        with pytest.raises(OutputError) as err:
            # more than the WAL already holds (SQLite reuses the WAL's space, so a small edit may still fit)
            p.add_event(Event(vid, 5, 6, 8, coder="ann", note="x" * 300_000))
        msg = one_line(err.value)
        assert "study.merproj" in msg and ("full" in msg or "No space" in msg)
        assert p.events() == before and len(p.event_history()) == n_hist
        assert not p._con.in_transaction
        with pytest.raises(OutputError) as err:  # a save (the backup) on the full disk
            p.save()
        one_line(err.value)
        assert not (full_dir / "study.merproj.bak").exists() and temporaries(full_dir) == []
        filler.unlink()
        added = p.add_event(Event(vid, 5, 6, 8, coder="ann"))  # space again: the next edit works
        assert p.event(added.id) == added
    with Project.open(full_dir / "study.merproj", in_use="raise") as p:
        assert p.integrity_check() == "ok" and len(p.events()) == 2


def test_export_on_a_full_disk_keeps_the_previous_file(full_dir, tmp_path, video_file, monkeypatch):
    with Project.create(tmp_path / "study.merproj") as p:  # the project is elsewhere; the export folder is full
        vid = p.add_video(video_file, fps=30.0, frame_count=41, width=64, height=64).id  # (frames 0-40: i + 1)
        p.add_event(Event(vid, 1, 2, 3, coder="ann"))
        csv_path, xlsx_path = full_dir / "events.csv", full_dir / "events.xlsx"
        ex.export_events_csv(p, csv_path)
        ex.export_events_xlsx(p, xlsx_path)
        old_csv, old_xlsx = csv_path.read_bytes(), xlsx_path.read_bytes()
        for i in range(40):
            p.add_event(Event(vid, i, i, i + 1, coder="ann", note=f"event {i} " + "n" * 200))
        fill(full_dir)
        for path, export in ((csv_path, ex.export_events_csv), (xlsx_path, ex.export_events_xlsx)):
            with pytest.raises(OutputError) as err:
                export(p, path)
            msg = one_line(err.value)
            assert str(path) in msg and "No space left" in msg
        with pytest.raises(OutputError):
            ex.export_summary(p, vid, full_dir / "summary.csv")
    gc.collect()
    assert csv_path.read_bytes() == old_csv and xlsx_path.read_bytes() == old_xlsx
    assert not (full_dir / "summary.csv").exists()
    assert temporaries(full_dir) == []


def test_a_failed_xlsx_export_leaves_nothing_that_raises_later(full_dir, tmp_path, video_file, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(f"{u.exc_type.__name__}: {u.exc_value}"))
    with Project.create(tmp_path / "study.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=41, width=64, height=64).id  # (frames 0-40: i + 1)
        for i in range(40):
            p.add_event(Event(vid, i, i, i + 1, coder="ann", note="n" * 200))
        fill(full_dir)
        with pytest.raises(OutputError):
            ex.export_events_xlsx(p, full_dir / "events.xlsx")
    gc.collect()
    assert seen == []


@pytest.mark.slow
def test_analyze_into_a_full_folder_leaves_a_partial_csv_of_whole_rows(full_dir, tmp_path, capsys):
    from support.clips import write_clip

    from merstudio.cli.main import main

    clip = write_clip(tmp_path / "clip.avi", n=90)
    fill(full_dir, leave=48 * 1024)  # room for the lock, the meta and some rows, not for the whole result
    rc = main(["analyze", str(clip), "-o", str(full_dir), "-q"])
    err = capsys.readouterr().err
    assert rc != 0
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and "No space left" in lines[0] and "Traceback" not in err, err
    assert not (full_dir / "clip.csv").exists()  # never a "complete" result
    partial = full_dir / "clip.partial.csv"
    assert partial.is_file()
    with open(partial, newline="") as fh:
        table = list(csv.reader(fh))
    header, body = table[0], table[1:]
    assert all(len(row) == len(header) for row in body)  # whole rows only
    assert partial.read_bytes().endswith(b"\n")
    df = pd.read_csv(partial)
    assert list(df.columns) == header and len(df) == len(body)
    if len(df):
        assert df["frame"].tolist() == sorted(df["frame"].tolist())
    assert temporaries(full_dir) == []

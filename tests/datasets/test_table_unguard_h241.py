"""A spreadsheet-safe labelled set read by `merstudio train --data table:PATH` (h241): File > Export > Labelled set
with Spreadsheet-safe ticked puts an apostrophe before a subject '2026-03 or a label '3/4 (a spreadsheet would make
them dates), and the sample table loader kept it: the subject was another person (a LOSO fold of its own beside
the same person's other tables) and the label a class of its own. The loader takes it off again, only where the
guard put it (a label "'tis" is the coder's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli_run import tiny_video

from merstudio.datasets import load_samples
from merstudio.interchange.events_csv import make_spreadsheet_safe
from merstudio.project import Project
from merstudio.project.events import Event
from merstudio.project.export import export_labelled_set
from merstudio.project.subjects import set_video_subject


def _labelled_set(tmp_path: Path) -> Path:
    """The labelled set of a project whose video's subject is 2026-03, with events labelled 3/4, =x (both guarded) and 'tis (not)."""
    clip = tiny_video(tmp_path / "clip.avi", n=60)
    with Project.create(tmp_path / "study.merproj") as p:
        v = p.add_video(clip, 30.0, 60, 64, 48)
        set_video_subject(p, v.id, "2026-03")
        p.add_event(Event(v.id, 5, 8, 12, coder="alice", emotion="3/4"))
        p.add_event(Event(v.id, 20, 24, 28, coder="alice", emotion="=x"))
        p.add_event(Event(v.id, 40, 44, 48, coder="alice", emotion="'tis"))
        return export_labelled_set(p, tmp_path / "labels.csv")


def _read(path: Path) -> list[tuple[str, str, str, str, int | None, int | None]]:
    return sorted((s.subject, s.sample, s.label, s.raw_label, s.onset, s.offset)
                  for s in load_samples("table", path, verbose=False))


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_a_spreadsheet_safe_labelled_set_loads_as_the_plain_one(tmp_path: Path, decimal_comma: bool) -> None:
    plain = _labelled_set(tmp_path)
    safe = tmp_path / "safe.csv"
    shutil.copyfile(plain, safe)
    assert make_spreadsheet_safe(safe, ",", decimal_comma) > 0  # as File > Export with Spreadsheet-safe ticked
    text = safe.read_text(encoding="utf-8-sig")
    assert "'2026-03" in text and "'3/4" in text and "'=x" in text  # the export was safe
    want = _read(plain)
    assert {s[0] for s in want} == {"2026-03"} and {s[3] for s in want} == {"3/4", "=x", "'tis"}
    assert _read(safe) == want  # was: subject '2026-03, labels '3/4 and '=x: a person and two classes of their own

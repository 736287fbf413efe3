"""A merge's conflict line names what differs between the two sides (audit a99 finding 6: "frames 102-110-120
here, frames 102-110-120 in the other copy" where emotion and note differed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from support.merge_copies import copy_of, study

from merstudio.project import Project
from merstudio.project.merge import plan_merge


def _edit(path: Path, **changes: object) -> None:
    with Project.open(path) as p:
        e = next(e for e in p.events() if e.status == "accepted")
        p.update_event(replace(e, **changes))  # type: ignore[arg-type]


def test_a_conflict_of_equal_frames_says_what_differs(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    _edit(a, emotion="fear", note="A says fear")
    _edit(b, emotion="happiness", note="B says happy")
    with Project.open(a) as p:
        lines = plan_merge(p, b).lines()
    conflict = [x for x in lines if "conflict: alice" in x]
    assert conflict == ["  conflict: alice: clip.avi frames 100-110-120 here and in the other copy: changed in both, "
                        "both kept (here -> the other copy: emotion 'fear' -> 'happiness', note 'A says fear' -> "
                        "'B says happy')"], lines


def test_a_conflict_of_frames_alone_says_only_the_frames(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    _edit(a, onset=104)
    _edit(b, onset=98, emotion="fear")
    with Project.open(a) as p:
        lines = plan_merge(p, b).lines()
    assert any(x.endswith("frames 104-110-120 here, frames 98-110-120 in the other copy: changed in both, both kept "
                          "(here -> the other copy: emotion 'surprise' -> 'fear')") for x in lines), lines

"""project merge: a copy whose only change is a coded-video record (a coder who coded a video and found nothing) or
a new coder is something to merge (a120 finding 4: "nothing to merge" dropped carol)."""

from __future__ import annotations

from pathlib import Path

from support.merge_copies import copy_of, study

from merstudio.project import Project
from merstudio.project.merge import apply_merge, plan_merge


def test_a_coded_video_record_alone_comes_across(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    with Project.open(b) as p:
        p.mark_coded(p.videos()[0].id, ["carol"])
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        assert not plan.empty
        assert not any("nothing to merge" in line for line in plan.lines())
        assert any("carol" in line for line in plan.lines())
        apply_merge(p, plan)
        assert "carol" in p.coded_by(p.videos()[0].id)
        assert "carol" in p.coders()
    with Project.open(a) as p:  # merged again: now nothing is new
        assert plan_merge(p, b).empty

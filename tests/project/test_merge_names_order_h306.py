"""h306: a merge's summary lists coders as people read them (names.name_sort_key: alice, Änne, Bob, Zoë; was code
point order, Bob, Zoë, alice, Änne): its lines per coder and the coders it records (the order an undone merge says
the coders it kept in)."""

from __future__ import annotations

from pathlib import Path

from support.merge_copies import copy_of, study

from merstudio.project import Event, Project
from merstudio.project.merge import plan_merge

READ = ["alice", "Änne", "Bob", "Zoë"]


def test_a_merge_lists_coders_as_read(tmp_path: Path) -> None:
    a = study(tmp_path / "A")
    b = copy_of(a, tmp_path / "B")
    with Project.open(b) as p:
        vid = p.videos()[0].id
        for k, coder in enumerate(["Bob", "Zoë", "Änne"]):  # alice is in both copies already
            p.add_coder(coder)
            p.add_event(Event(vid, 200 + 10 * k, 202 + 10 * k, 205 + 10 * k, emotion="happiness", coder=coder))
        p.add_event(Event(vid, 260, 262, 265, emotion="happiness", coder="alice"))
    with Project.open(a, read_only=True) as p:
        plan = plan_merge(p, b)
    assert plan.coders == ["Änne", "Bob", "Zoë"]
    per_coder = [ln.split(":")[0].strip() for ln in plan.count_lines() if ln.startswith("    ")]
    assert per_coder[:4] == READ

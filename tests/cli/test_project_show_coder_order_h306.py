"""h306: `merstudio project show` lists coders as people read them (names.name_sort_key: alice, Änne, Bob, Zoë),
both in its header (was registration order) and per video (was code-point order: Bob, Zoë, alice, Änne)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.project import Event, Project


def test_project_show_orders_coders_as_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "s.merproj"
    assert run(capsys, "project", "new", proj, tiny_video(tmp_path / "v.avi", n=20))[0] == 0
    with Project.open(proj) as p:
        for k, coder in enumerate(("Bob", "Zoë", "alice", "Änne")):  # registered in this order
            p.add_coder(coder)
            p.add_event(Event(1, 2 + k, 3 + k, 4 + k, emotion="happiness", coder=coder, status="accepted"))
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    assert "coders: alice, Änne, Bob, Zoë" in out
    per_video = [ln.split(":")[0].removeprefix("  events by ") for ln in out.splitlines() if "events by" in ln]
    assert per_video == ["alice", "Änne", "Bob", "Zoë"]

"""Project.in_use_elsewhere: read-only because another writer holds the file (it can be opened for writing once
they let go), as opposed to asked for read-only or in a read-only location. The GUI's refusal says how to edit
from this flag, not from the reason's wording."""

from __future__ import annotations

from merstudio.project import Project


def test_only_a_project_held_by_another_writer_is_in_use_elsewhere(tmp_path):
    path = tmp_path / "study.merproj"
    Project.create(path).close()
    with Project.open(path) as writer:
        assert not writer.read_only and not writer.in_use_elsewhere
        with Project.open(path) as second:  # the default: read-only when another writer has it
            assert second.read_only and second.in_use_elsewhere
        with Project.open(path, read_only=True) as asked:
            assert asked.read_only and not asked.in_use_elsewhere
    with Project.open(path, read_only=True) as asked:
        assert not asked.in_use_elsewhere

"""`merstudio project merge PROJECT OTHER.merproj`: another coder's copy brought in, its summary shown before
anything is written and asked for (before, the only way was the all-videos CSV, whose --replace deleted alice's
later events naming only a count, without asking: audit a96, finding 5)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support.cli_run import run
from support.merge_copies import coding, two_copies


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_merge_shows_the_summary_and_merges_with_yes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_copies(tmp_path)
    theirs = b.read_bytes()
    code, out, err = run(capsys, "project", "merge", a, b, "--dry-run")
    assert code == 0 and "events: 1 new, 2 updated, 0 deleted, 0 conflicts" in out and "dry run" in out
    assert [c for c, *_ in coding(a)] == ["alice", "alice", "alice"]  # nothing written
    code, out, err = run(capsys, "project", "merge", a, b, "--yes")
    assert code == 0, err
    assert "    bob: 1 new, 1 updated" in out and f"merged {b} into study.merproj" in out
    assert ("alice", 102, 120, "accepted", "onset fixed by bob") in coding(a)
    assert ("alice", 500, 510, "accepted", "coded after the copy") in coding(a)
    assert b.read_bytes() == theirs
    code, out, _ = run(capsys, "project", "merge", a, b)
    assert code == 0 and "nothing to merge" in out


def test_merge_asks_and_without_a_terminal_writes_nothing_unasked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_copies(tmp_path)
    before = coding(a)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe: nobody to ask
    code, out, err = run(capsys, "project", "merge", a, b)
    assert code != 0 and "give --yes" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    code, out, _ = run(capsys, "project", "merge", a, b)
    assert code == 1 and "not merged: nothing written" in out
    assert coding(a) == before
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    code, out, _ = run(capsys, "project", "merge", a, b)
    assert code == 0 and "merged" in out and len(coding(a)) == 4


def test_the_face_form_stays_and_a_wrong_face_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = two_copies(tmp_path)
    code, _, err = run(capsys, "project", "merge", a, "zero", "3")
    assert code != 0 and "KEEP is a face id" in err
    code, _, err = run(capsys, "project", "merge", a, "0", "3", "--yes")
    assert code != 0 and "--dry-run and --yes go with merging another copy" in err

"""A moved archive's first line counts what it found by what each held (h245): after `mv archive archive2` it said
"3 input(s) found at a new path with the content of a finished one ... their results are kept" where two of the
three had failed and had no results. Now the finished ones are counted as kept and those that failed before are
named, at their new paths. And a row that did not move, failed by a run that named it relative to its own folder, is
named as this run names it (`cd /tmp/r7; analyze archive`, then `cd /; analyze /tmp/r7/archive` said
"archive/broken1.mp4: ...")."""

from __future__ import annotations

from pathlib import Path

from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.cli.main import main


def _broken(folder: Path) -> None:
    (folder / "broken1.mp4").write_bytes(bytes(range(256)) * 20)
    (folder / "broken2.mp4").write_bytes(b"not a video")


def test_moved_finished_and_failed_inputs_are_counted_apart(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive").mkdir()
    write_clip(tmp_path / "archive" / "good.avi", n=8)
    _broken(tmp_path / "archive")
    assert main(["analyze", "archive", "-o", "results", "-q"]) == 2
    capsys.readouterr()
    (tmp_path / "archive").rename(tmp_path / "archive2")
    assert main(["analyze", "archive2", "-o", "results", "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    new = tmp_path / "archive2"
    assert err[0] == (f"merstudio: 1 input(s) found at a new path with the content of a finished one whose path is "
                      f"gone (moved or remounted; e.g. {tmp_path / 'archive' / 'good.avi'} -> {new / 'good.avi'}): "
                      "their results are kept"), err
    assert err[1] == (f"merstudio: 2 input(s) that failed before found at a new path (moved or remounted): "
                      f"{new / 'broken1.mp4'}, {new / 'broken2.mp4'}"), err
    assert not any("results are kept" in ln for ln in err[1:]), err


def test_failed_rows_named_as_this_run_names_them(tmp_path: Path, monkeypatch, capsys):
    r7 = tmp_path / "r7"
    (r7 / "archive").mkdir(parents=True)
    _broken(r7 / "archive")
    monkeypatch.chdir(r7)
    assert main(["analyze", "archive", "-o", "results", "-q"]) == 2
    assert all(r.error.startswith("archive/") for r in B.Manifest.read(r7 / "results").rows.values())
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)  # another folder: 'archive/broken1.mp4' names nothing here
    assert main(["analyze", str(r7 / "archive"), "-o", str(r7 / "results"), "-q"]) == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("merstudio: failed before")]
    assert len(lines) == 2, lines
    for ln, name in zip(lines, ("broken1.mp4", "broken2.mp4"), strict=True):
        assert ln.endswith(f"): {r7 / 'archive' / name}: not a readable video (no video frames, an unknown format, "
                           "or a damaged or truncated file)"), ln


def test_a_moved_result_made_with_other_settings_is_said_to_run_again(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive").mkdir()
    write_clip(tmp_path / "archive" / "good.avi", n=8)
    assert main(["analyze", "archive", "-o", "results", "-q"]) == 0
    capsys.readouterr()
    (tmp_path / "archive").rename(tmp_path / "archive2")
    assert main(["analyze", "archive2", "-o", "results", "-q", "--landmarks"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("merstudio: 1 input(s) found at a new path with the content of one not finished or made "
                             "with other settings"), err
    assert err[0].endswith("): analysed again"), err

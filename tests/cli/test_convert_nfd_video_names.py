"""A video name as a Mac writes it (Unicode NFD: "Gespräch" as a + U+0308) names the project's same-looking video
(NFC, as Linux and Windows write it): `convert --import FILE --video all` and `--video NAME` match it; nothing is
refused or skipped for the spelling."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.project import Project

NFC = unicodedata.normalize("NFC", "Gespräch.avi")
NFD = unicodedata.normalize("NFD", "Gespräch.avi")


def _project(tmp_path: Path) -> Path:
    assert NFC != NFD and len(NFD) == len(NFC) + 1  # the Mac's spelling: one more code point
    proj = tmp_path / "p.merproj"
    with Project.create(proj) as p:
        p.add_video(_video(tmp_path / NFC, n=30), fps=30.0, frame_count=30, width=64, height=48)
        p.add_video(_video(tmp_path / "other.avi", n=31), fps=30.0, frame_count=31, width=64, height=48)
    return proj


def _csv(path: Path, rows: list[tuple[str, int, int, int]]) -> Path:
    path.write_text("video,onset,apex,offset,emotion,coder\n"
                    + "".join(f"{v},{a},{b},{c},anger,bob\n" for v, a, b, c in rows), encoding="utf-8")
    return path


def test_import_all_puts_a_macs_rows_into_the_same_named_video(tmp_path, capsys):
    """Refused before: "names video(s) not in p.merproj: Gespräch.avi ... (the project's: Gespräch.avi)"."""
    proj = _project(tmp_path)
    mac = _csv(tmp_path / "mac.csv", [(NFD, 5, 6, 9), ("other.avi", 10, 11, 12)])
    code, out, err = run(capsys, "convert", "--project", proj, "--import", mac, "--video", "all", "--yes")
    assert code == 0, err
    with Project.open(proj, read_only=True) as p:
        assert [(e.onset, e.apex, e.offset) for e in p.events(1)] == [(5, 6, 9)]
        assert [(e.onset, e.apex, e.offset) for e in p.events(2)] == [(10, 11, 12)]


def test_both_spellings_in_one_file_import_each_row_once(tmp_path, capsys):
    """A coder on a Mac and one on Linux in one file: the video's rows, each once (not twice per spelling)."""
    proj = _project(tmp_path)
    both = _csv(tmp_path / "both.csv", [(NFD, 5, 6, 9), (NFC, 15, 16, 19)])
    code, out, err = run(capsys, "convert", "--project", proj, "--import", both, "--video", "all", "--yes")
    assert code == 0, err
    with Project.open(proj, read_only=True) as p:
        assert sorted((e.onset, e.offset) for e in p.events(1)) == [(5, 9), (15, 19)]


def test_video_named_in_a_macs_spelling(tmp_path, capsys):
    """`--video <NFD name>`: "no video 'Gespräch.avi'" before."""
    proj = _project(tmp_path)
    mac = _csv(tmp_path / "mac.csv", [(NFD, 5, 6, 9)])
    code, out, err = run(capsys, "convert", "--project", proj, "--import", mac, "--video", NFD, "--yes")
    assert code == 0, err
    assert "is not" not in err  # no "the file's video 'Gespräch.avi' is not 'Gespräch.avi'"
    with Project.open(proj, read_only=True) as p:
        assert [(e.onset, e.offset) for e in p.events(1)] == [(5, 9)]


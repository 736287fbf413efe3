"""`merstudio convert` and an import into a project (the app's Import events reads the same preview) of a table
that is not UTF-8 (h301, audit a111 finding 2): Excel's Windows-1252 "CSV" is read right and the preview says so
in a note; a GBK or Shift-JIS file, or a UTF-8 file with one stray byte, is refused in one line naming the line and
the byte, nothing written (all were read as Latin-1 without a word: coder 'Íõ·¼', notes with C1 controls)."""

from __future__ import annotations

from pathlib import Path

from support.cli_run import run, tiny_video

from merstudio.interchange import preview_import
from merstudio.project import Project

HEADER = "onset;apex;offset;emotion;aus;coder;note\n"
GERMAN = "10;12;15;Freude;12;Zoë Müller;Lächeln – kurz „echt“ €\n"


def test_a_windows_1252_csv_converts_right_with_a_note(tmp_path: Path, capsys) -> None:
    src = tmp_path / "excel.csv"
    src.write_bytes((HEADER + GERMAN).encode("cp1252"))
    out = tmp_path / "out.csv"
    code, said, err = run(capsys, "convert", src, out, "--fps", "30")
    assert code == 0, err
    assert "note: excel.csv: not UTF-8: read as Windows-1252" in err, err  # the preview, on stderr
    text = out.read_text(encoding="utf-8")
    assert "Zoë Müller" in text and "Lächeln – kurz „echt“ €" in text, text  # was '\x96', '\x84echt\x93 \x80'


def test_gbk_and_a_stray_byte_are_refused_in_one_line(tmp_path: Path, capsys) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("onset,apex,offset,emotion,aus,coder\n10,12,15,高兴,12,王芳\n".encode("gbk"))
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("onset,apex,offset,emotion,aus,coder\n10,12,15,Überraschung,1+2,Zoë\n".encode()
                      + b"30,32,36,Freude,12,Ren\xe9\n")
    for src, line, byte in ((gbk, 2, "0xB8"), (mixed, 3, "0xE9")):
        out = tmp_path / f"{src.stem}.out.csv"
        code, said, err = run(capsys, "convert", src, out, "--fps", "30")
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1, err
        assert lines[0].startswith(f"merstudio: error: {src}: line {line}: byte {byte} is not UTF-8"), err
        assert "CSV UTF-8" in lines[0] and not out.exists()


def test_a_project_import_notes_the_code_page_and_refuses_gbk(tmp_path: Path, capsys) -> None:
    video = tiny_video(tmp_path / "clip.avi", n=40)
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        vid = p.add_video(video, fps=30.0, frame_count=40, width=64, height=48)
        src = tmp_path / "excel.csv"
        src.write_bytes((HEADER + GERMAN).encode("cp1252"))
        prev = preview_import(p, src, vid.id)
        assert prev.notes[0].startswith("excel.csv: not UTF-8: read as Windows-1252"), prev.notes
        assert [e.coder for e in prev.events] == ["Zoë Müller"]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("onset,apex,offset,emotion,aus,coder\n10,12,15,高兴,12,王芳\n".encode("gbk"))
    code, said, err = run(capsys, "convert", "--project", proj, "--import", gbk, "--video", "1", "--yes")
    assert code == 2 and "line 2: byte 0xB8 is not UTF-8" in err, err
    with Project.open(proj) as p:
        assert not p.events(1)  # nothing imported (was: coder 'Íõ·¼')

"""`merstudio convert` creates an output folder that is missing, as users expect, and says so in one line."""

from __future__ import annotations

from ix_helpers import sample_events
from support.cli_run import run

from merstudio.interchange import Media, write_eaf


def test_a_missing_output_folder_is_created_with_a_note(tmp_path, capsys):
    src = write_eaf(sample_events(), tmp_path / "in.eaf", Media("clip.mp4", fps=30.0))
    out_file = tmp_path / "new" / "sub" / "out.tsv"
    code, out, err = run(capsys, "convert", src, out_file, "--yes")
    assert code == 0 and out_file.is_file()
    (line,) = [x for x in err.splitlines() if "created the folder" in x]
    assert line == f"note: created the folder {tmp_path / 'new' / 'sub'} for out.tsv"
    # a folder that is there: not a word
    code, out, err = run(capsys, "convert", src, tmp_path / "new" / "sub" / "out2.csv", "--yes")
    assert code == 0 and "created the folder" not in err + out


def test_a_project_export_creates_its_folder_with_a_note(tmp_path, capsys, project):
    path = project.path
    project.close()
    out_file = tmp_path / "exports" / "clip.eaf"
    code, out, err = run(capsys, "convert", "--project", path, "--export", out_file)
    assert code == 0 and out_file.is_file()
    assert f"note: created the folder {tmp_path / 'exports'} for clip.eaf" in err.splitlines()

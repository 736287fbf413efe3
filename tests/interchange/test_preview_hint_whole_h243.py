"""The import preview's hint for a coder's corrected file is shown whole (h243): it was ~314 characters, past the
preview's 300-character bound on a line (meant for text quoted from the file), and ended "rather than adding the…
(314 characters)". The advice comes first and the example after it, so that even a coder name far past any bound cuts
only the example."""

from __future__ import annotations

from pathlib import Path

from merstudio.interchange import commit_import, preview_import
from merstudio.interchange.common import LINE_CHARS

HEAD = "video,face_id,onset,apex,offset,emotion,aus,coder\n"


def _csv(path: Path, coder: str, onset: int) -> Path:
    path.write_text(HEAD + f"clip.mp4,0,{onset},50,54,positive,12,{coder}\n")
    return path


def _note_line(project, tmp_path: Path, coder: str) -> str:
    vid = project.videos()[0].id
    commit_import(project, preview_import(project, _csv(tmp_path / "a.csv", coder, 47), vid))
    prev = preview_import(project, _csv(tmp_path / "a2.csv", coder, 46), vid)
    return next(line for line in prev.summary().splitlines() if "overlap" in line)


def test_the_corrected_file_hint_is_whole_in_the_preview(tmp_path, project):
    line = _note_line(project, tmp_path, "ann")
    assert "characters)" not in line and len(line) <= LINE_CHARS + len("  note: ")
    assert "--replace" in line and "replace=True" in line
    assert line.endswith("(ann face 0: frames 46-54 here, 47-54 there)")


def test_a_long_coder_name_never_cuts_the_advice(tmp_path, project):
    line = _note_line(project, tmp_path, "c" * 500)
    head = line.split("(ccc")[0]
    assert "a corrected file?" in head and "--replace" in head and "replace=True" in head and "on this video" in head

"""A project an older merstudio let store a frame in seconds times fps (onset 18.3: Project.add_event took it as it
was) gives its agreement report: the frames are read as whole frames (was: TypeError "slice indices must be
integers" in the report, a traceback from `merstudio agreement` until the event was deleted; a91 finding 1)."""

from __future__ import annotations

from merstudio.agreement import agreement_report
from merstudio.cli.main import main
from merstudio.project import Event, Project


def _older_file(tmp_path):
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        v = proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=72, width=64, height=48)
        proj.add_event(Event(v.id, 17, 30, 69, coder="ann", emotion="happiness"))
        bob = proj.add_event(Event(v.id, 18, 31, 68, coder="bob", emotion="happiness"))
        with proj._tx() as con:  # bob's seconds * fps, as add_event stored them before it refused a fraction
            con.execute("UPDATE events SET onset = 18.3, apex = 31.5, offset = 68.1 WHERE id = ?", (bob.id,))
    return path


def test_the_report_reads_a_stored_fraction_as_a_whole_frame(tmp_path) -> None:
    with Project.open(_older_file(tmp_path)) as proj:
        rep = agreement_report(proj)
    row = rep.pairs.iloc[0]
    assert (row["coder_a"], row["coder_b"]) == ("ann", "bob")
    assert row["matched"] == 1


def test_the_cli_gives_the_report(tmp_path, capsys) -> None:
    assert main(["agreement", str(_older_file(tmp_path))]) == 0
    assert "Traceback" not in capsys.readouterr().err

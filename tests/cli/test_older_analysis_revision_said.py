"""A project's stored analysis made by earlier rules (its recorded revision below ANALYSIS_REVISION, or none
recorded) is said by the CLI as the app says it: `project show` prints each analysis' revision and, for an older one,
what it means and how to make it again; `convert --project P --export OUT.csv --to openface | pyfeat` still writes
the stored values, with one note line on stderr. Events exports and `agreement` do not read the analysis: no note.
Before, `show` said "analysis: complete, 6 frame(s) stored" and the exports wrote the old values without a word."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.cli_run import run, tiny_video

from merstudio.analysis.pipeline import ANALYSIS_REVISION
from merstudio.project import Event, Project

OLD = ANALYSIS_REVISION - 1
WORDS = "stored analysis made by an earlier merstudio"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three analysed videos (AU12 0.5 per frame: 0, 0.5, 1, ...): old.avi by the previous revision, bare.avi by a merstudio that recorded none (what
    tests/gui/test_analysis.py stores as a run from before revisions), now.avi by today's; two coders' events."""
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        for n, (name, settings) in enumerate((("old", {"revision": OLD}), ("bare", {}),
                                              ("now", {"revision": ANALYSIS_REVISION})), start=6):
            # 6, 7 and 8 frames: three files (one content would be one video), each analysed in full
            v = p.add_video(tiny_video(tmp_path / f"{name}.avi", n=n), 30.0, n, 64, 48)
            aid = p.begin_analysis(v.id, {"landmarks": False, **settings})
            p.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                                   "AU12_r": 0.5 * f, "AU12_c": int(f >= 2)} for f in range(n)])
            p.finish_analysis(aid)
            for coder in ("ann", "bob"):
                p.add_event(Event(v.id, 1, 2, 4, emotion="happiness", aus="12", coder=coder))
    return path


def _block(out: str, name: str) -> list[str]:
    """The lines `project show` prints for the video called ``name``."""
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("video ") and f": {name}  " in ln)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("video ")), len(lines))
    return lines[start:end]


def test_show_prints_each_analysis_revision_and_what_an_older_one_means(project: Path, capsys) -> None:
    code, out, err = run(capsys, "project", "show", project)
    assert code == 0, err
    old, bare, now = (_block(out, f"{n}.avi") for n in ("old", "bare", "now"))
    assert f"  analysis: complete, 6 frame(s) stored, analysis revision {OLD} (this version's: {ANALYSIS_REVISION})" \
        in old
    assert any(ln.startswith("  analysis: complete, 7 frame(s) stored, analysis revision 1 (none recorded")
               for ln in bare), bare
    assert f"  analysis: complete, 8 frame(s) stored, analysis revision {ANALYSIS_REVISION} (this version's)" in now
    for block, rev in ((old, OLD), (bare, 1)):
        notes = [ln for ln in block if WORDS in ln]
        assert len(notes) == 1, block
        assert f"(analysis revision {rev}, this version's {ANALYSIS_REVISION})" in notes[0]
        assert "Analysis > Run analysis (Ctrl+R) makes it again" in notes[0] and "merstudio gui" in notes[0]
    assert not any(WORDS in ln for ln in now)


@pytest.mark.parametrize("to", ["openface", "pyfeat"])
def test_a_per_frame_export_of_an_older_analysis_is_written_with_one_note(project: Path, tmp_path: Path, capsys,
                                                                         to: str) -> None:
    for name, n in (("old", 6), ("bare", 7), ("now", 8)):
        path = tmp_path / f"{name}_{to}.csv"
        code, out, err = run(capsys, "convert", "--project", project, "--export", path, "--to", to,
                             "--video", f"{name}.avi")
        assert code == 0, err
        assert out.startswith(f"wrote {n} row(s) of video ")
        said = [ln for ln in err.splitlines() if WORDS in ln]
        assert len(said) == (name != "now"), err
        if said:
            assert said[0].startswith(f"note: {name}.avi: ") and "Ctrl+R" in said[0]
            assert "written as stored" in said[0]
        # still written, with the values stored: AU12 0.5 per frame (py-feat's AU12 is ours / 5)
        table = pd.read_csv(path, skipinitialspace=True)
        au12 = table["AU12_r"] if to == "openface" else table["AU12"] * 5
        assert au12.to_numpy() == pytest.approx([0.5 * f for f in range(n)], abs=0.006)


def test_events_exports_and_agreement_say_nothing_of_the_analysis(project: Path, tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "ev.csv", "--video", "old.avi")
    assert code == 0 and "wrote 2 event(s)" in out, err
    assert "earlier merstudio" not in out + err
    code, out, err = run(capsys, "convert", "--project", project, "--export", tmp_path / "all.csv", "--video", "all")
    assert code == 0, err
    assert "earlier merstudio" not in out + err
    code, out, err = run(capsys, "agreement", project)
    assert code == 0, err
    assert "earlier merstudio" not in out + err

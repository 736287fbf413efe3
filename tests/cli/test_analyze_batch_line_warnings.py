"""In a batch too large for a full summary per input, each finished input gets one line: it says how many warnings
the input had, the first, and where all of them are (the line dropped them; only meta.json kept them)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from merstudio.analysis.files import output_paths
from merstudio.cli import analyze as A


def _outcome(tmp_path: Path, warnings: list[str]) -> SimpleNamespace:
    paths = output_paths(tmp_path, "clip")
    return SimpleNamespace(input=tmp_path / "clip.mp4", complete=True, rows=72, csv=paths.csv, paths=paths,
                           warnings=warnings, remote=None)  # as an AnalysisOutput of a local folder


def test_the_one_line_form_names_the_inputs_warnings(tmp_path, capsys) -> None:
    with A.BatchDisplay(batch=True, quiet=False, total=A.SUMMARIES + 5) as d:
        d.result(None, _outcome(tmp_path, ["hands over the face on 40% of frames", "variable frame rate"]))
        d.result(None, _outcome(tmp_path, []))
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "rows ->" in ln]
    assert len(lines) == 2
    assert "2 warnings (first: hands over the face on 40% of frames; all in clip.meta.json)" in lines[0]
    assert "warning" not in lines[1]

"""analyze's summary prints a spot's time span to the end of its offset frame, [t(onset), t(offset + 1)), as
docs/interchange.md spans an event; the spots file's offset_time stays the start of that frame (audit a89)."""

from __future__ import annotations

from merstudio.analysis.files import AnalysisOutput, SpotRow, output_paths
from merstudio.cli.analyze import _print_summary


def _spot_line(tmp_path, spot: SpotRow, fps: float, capsys) -> str:
    r = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 100, 100, fps, True, 1.0, [0], [spot],
                       [None])
    _print_summary(r)
    return next(ln for ln in capsys.readouterr().out.splitlines() if "frames " in ln and "apex" in ln)


def test_the_span_ends_where_the_offset_frame_ends(tmp_path, capsys) -> None:
    # frames 47-54 at 30 fps: onset 1.567 s, offset frame 1.800-1.833 s; printed "1.57-1.80 s", one frame short
    line = _spot_line(tmp_path, SpotRow(0, 47, 50, 54, 0.9, 47 / 30, 50 / 30, 54 / 30), 30.0, capsys)
    assert "frames 47-54 (apex 50, 1.57-1.83 s, score 0.90)" in line


def test_a_one_frame_spot_lasts_one_frame(tmp_path, capsys) -> None:
    line = _spot_line(tmp_path, SpotRow(0, 12, 12, 12, 0.5, 0.48, 0.48, 0.48), 25.0, capsys)
    assert "face 0: frames 12-12 (apex 12, 0.48-0.52 s" in line


def test_a_variable_rate_span_uses_its_own_frame_times(tmp_path, capsys) -> None:
    # 60 fps frames (1/60 s apart) in a file whose average rate is 30: the offset frame ends 1/60 s after it starts
    line = _spot_line(tmp_path, SpotRow(0, 10, 13, 16, 0.7, 1.0, 1.05, 1.1), 30.0, capsys)
    assert "1.00-1.12 s" in line  # 1.1 + 0.1 / 6 = 1.117

"""`merstudio analyze` on a raw MJPEG stream (FFmpeg makes its frame times up at 25 fps): it runs at 25 fps and says
so, `--fps` sets its rate as it sets a raw H.264 stream's or a frame folder's, and a rerun with another `--fps` is
a change of settings. Such a rerun opens each raw stream once to tell that `--fps` reaches it (its plan and its run
both ask)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.raw_streams import H264, MJPEG, convert, raw_stream, result_meta, result_times

from merstudio.analysis import batch as B
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.execution import Backend


@pytest.fixture(scope="module")
def mjpeg(tmp_path_factory) -> Path:
    """A 20-frame face clip, shot at 30 fps, as a raw MJPEG stream (which states no rate)."""
    return raw_stream(tmp_path_factory.mktemp("mjpeg"), "face.mjpeg", MJPEG)


def _meta(out: Path) -> dict:
    return result_meta(out, "face")


def _times(out: Path) -> dict[int, float]:
    return result_times(out, "face")


def test_fps_reaches_a_raw_mjpeg_stream(mjpeg: Path, tmp_path: Path) -> None:
    own, given = tmp_path / "own", tmp_path / "given"
    res = B.run_batch(B.plan_batch([mjpeg], own), AnalysisSettings(), Backend())
    assert all(o.complete for o in res.outputs) and not res.failures
    assert _meta(own)["fps"] == 25 and _times(own)[12] == pytest.approx(0.48)
    assert any("25 fps, FFmpeg's default, as the stream states no rate (--fps sets the rate)" in w
               for w in _meta(own)["warnings"])  # was silent
    assert _meta(own)["seek_trouble"] == "no frame timestamps"

    B.run_batch(B.plan_batch([mjpeg], given), AnalysisSettings(), Backend(), fps=30)
    assert _meta(given)["fps"] == 30 and _times(given)[12] == pytest.approx(0.4)  # was 25 fps: --fps ignored

    settings = AnalysisSettings()
    assert B.settings_changes(own, "face", mjpeg, settings) == []
    assert B.settings_changes(own, "face", mjpeg, settings, fps=30) == ["--fps"]
    assert B.settings_changes(given, "face", mjpeg, settings) == ["--fps"]  # back to its own 25


@pytest.mark.parametrize("codec", ["mjpeg", "h264"])
def test_a_rerun_with_fps_opens_a_video_once_to_tell(mjpeg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     codec: str) -> None:
    import cv2

    from merstudio.io import frames as F

    path = tmp_path / f"face.{codec}"  # a file of this test's own: no other test has asked about it
    if codec == "mjpeg":
        path.write_bytes(mjpeg.read_bytes())
    else:
        convert(mjpeg, path, H264)
    out = tmp_path / "out"
    B.run_batch(B.plan_batch([path], out), AnalysisSettings(), Backend())  # at its own rate
    told: list[str] = []  # opens that tell whether it is timed (not those of the analysis's own source)
    real_capture, real_open = cv2.VideoCapture, F.VideoSource._open_capture

    def capture(*args: object) -> cv2.VideoCapture:
        told.append(str(args[0]))
        return real_capture(*args)

    def source_capture(self: F.VideoSource) -> cv2.VideoCapture:
        cap = real_open(self)
        told.pop()  # its own open, just recorded
        return cap

    monkeypatch.setattr(F.cv2, "VideoCapture", capture)
    monkeypatch.setattr(F.VideoSource, "_open_capture", source_capture)
    plan = B.plan_batch([path], out, settings=AnalysisSettings(), fps=30)
    assert [item.input for item in plan.items] == [path]  # --fps changed: run again
    B.run_batch(plan, AnalysisSettings(), Backend(), fps=30)
    assert _meta(out)["fps"] == 30
    assert told == [str(path.absolute())]  # the plan's check and the run's: was two opens

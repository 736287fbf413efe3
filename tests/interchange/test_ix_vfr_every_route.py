"""Every route that writes a variable-rate video's events (events_table, summary_table, `merstudio convert --project
P --export all.csv --video all`) times them by the video's real frames, whether the video was never analysed or its
analysis stopped short (a cancelled run stores a prefix of its frames); and that all.csv imports back onto the same
frames. A constant-rate video's times stay frame / fps.

Expected times are the frames' presentation times as PyAV decodes them from the clip (pts x time_base, from the
first frame's), the player's; a constant-rate clip's from its stream's rate as PyAV reads it."""

from __future__ import annotations

import csv
import warnings
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from support.vfr_clips import write_vfr_clip

from merstudio.cli.main import main
from merstudio.errors import FrameRateMismatch
from merstudio.interchange import preview_import
from merstudio.io import open_source
from merstudio.project import Event, Project
from merstudio.project.export import events_table, summary_table

REAL = Path("/work/shared/data/real-faces/smile_man.mp4")
N = 72  # frames of the clip: 30 at 30 fps, a 14 ms one, then 24 fps
EVENTS = ((17, 40, 70), (45, 50, 60))  # both end before the last frame: every time, the end too, is a frame's start


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_vfr_clip(tmp_path_factory.mktemp("vfr") / "phone.mp4", n=N)


def _pts(path: Path) -> np.ndarray:
    """Each frame's presentation time in seconds from the first frame's, as PyAV decodes the file."""
    with av.open(str(path)) as c:
        t = np.array([float(f.pts * f.time_base) for f in c.decode(video=0)])
    return t - t[0]


def _project(path: Path, clip: Path, stored: int | None = None,
             events: tuple[tuple[int, int, int], ...] = EVENTS) -> Path:
    """A project of the clip with ``events``; ``stored``: an analysis cancelled after that many frames, their times
    the decoder's (what the app's analysis stores)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" note
        with open_source(clip) as src, Project.create(path) as proj:
            vid = proj.add_source(src).id
            proj.add_events([Event(vid, a, b, c, emotion="happiness", coder="ann", status="accepted")
                             for a, b, c in events])
            if stored:
                t = _pts(clip)
                run = proj.begin_analysis(vid)
                proj.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": float(t[i]), "confidence": 1.0,
                                          "success": 1} for i in range(stored)])
                proj.finish_analysis(run, status="cancelled")
    return path


def _convert(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    code = main(["convert", *map(str, argv)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("stored", [None, 20, 40], ids=["never-analysed", "stopped-at-20", "stopped-at-40"])
def test_every_export_times_the_events_by_the_frames(tmp_path: Path, clip: Path, capsys: pytest.CaptureFixture[str],
                                                     stored: int | None) -> None:
    t = _pts(clip)
    assert len(t) == N and t[31] - t[30] == pytest.approx(1 / 24, abs=1e-4)  # the clip is variable-rate
    path = _project(tmp_path / "study.merproj", clip, stored)
    with Project.open(path) as proj:
        rows = events_table(proj).sort_values("onset_frame")
        summary = summary_table(proj, 1).set_index(["measure", "category"])["value"]
    for (a, b, c), (_, row) in zip(EVENTS, rows.iterrows(), strict=True):
        assert [row["onset_time"], row["apex_time"], row["offset_time"]] == pytest.approx([t[a], t[b], t[c]],
                                                                                          abs=1e-4)
        assert row["duration_s"] == pytest.approx(t[c + 1] - t[a], abs=1e-4)  # until the next frame starts
    total = sum(t[c + 1] - t[a] for a, _, c in EVENTS)
    assert float(summary[("total_duration_s", "happiness")]) == pytest.approx(total, abs=1e-4)

    code, err = _convert(capsys, "--project", path, "--export", tmp_path / "all.csv", "--video", "all")
    assert code == 0, err
    with open(tmp_path / "all.csv", newline="", encoding="utf-8") as f:
        written = sorted(csv.DictReader(f), key=lambda r: int(r["onset"]))
    for (a, b, c), r in zip(EVENTS, written, strict=True):
        assert (int(r["onset"]), int(r["apex"]), int(r["offset"])) == (a, b, c)
        got = [float(r["onset_time"]), float(r["apex_time"]), float(r["offset_time"])]
        assert got == pytest.approx([t[a], t[b], t[c]], abs=1e-4)

    # into a fresh project of the same video (never analysed): refused before ("20.571 fps in the file differs")
    back = _project(tmp_path / "back.merproj", clip, events=())
    code, err = _convert(capsys, "--project", back, "--import", tmp_path / "all.csv", "--video", "all", "--yes")
    assert code == 0, err
    with Project.open(back) as proj:
        assert sorted((e.onset, e.apex, e.offset) for e in proj.events(1)) == sorted(EVENTS)


def test_a_file_timed_at_the_nominal_rate_says_what_to_do(tmp_path: Path, clip: Path) -> None:
    """An events CSV whose times are frame / the header's rate (what --video all wrote for a video not analysed):
    refused in one line that says the times are not the video's frames', not that 26.448 differs from 26.4479."""
    path = _project(tmp_path / "study.merproj", clip)
    with Project.open(path) as proj:
        fps = proj.video(1).fps
        old = tmp_path / "old.csv"
        old.write_text("video,onset,apex,offset,onset_time,apex_time,offset_time,emotion,coder\n"
                       + "".join(f"phone.mp4,{a},{b},{c},{a / fps},{b / fps},{c / fps},happiness,ann\n"
                                 for a, b, c in EVENTS), encoding="utf-8")
        with pytest.raises(FrameRateMismatch) as exc:
            preview_import(proj, old, 1, fmt="events-csv")
    msg = str(exc.value)
    assert "\n" not in msg and "not the frame times of this variable-rate video" in msg and "--force-fps" in msg
    assert "differs from the video's" not in msg


@pytest.mark.skipif(not REAL.is_file(), reason="the real clip is not here")
def test_a_constant_rate_video_stopped_short_keeps_frame_over_fps(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with av.open(str(REAL)) as c:
        fps = float(Fraction(c.streams.video[0].average_rate))
    path = _project(tmp_path / "study.merproj", REAL, stored=30)
    with Project.open(path) as proj:
        row = events_table(proj).sort_values("onset_frame").iloc[0]
    assert row["offset_time"] == pytest.approx(70 / fps) and row["duration_s"] == pytest.approx(54 / fps)
    code, err = _convert(capsys, "--project", path, "--export", tmp_path / "all.csv", "--video", "all")
    assert code == 0, err
    with open(tmp_path / "all.csv", newline="", encoding="utf-8") as f:
        first = min(csv.DictReader(f), key=lambda r: int(r["onset"]))
    assert float(first["offset_time"]) == pytest.approx(70 / fps)


def test_a_video_analysed_to_its_end_is_not_opened(tmp_path: Path, clip: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Its stored times serve: the file is not read again (an export of a whole project stays cheap)."""
    path = _project(tmp_path / "study.merproj", clip, stored=N)

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the video file was opened")

    monkeypatch.setattr("merstudio.io.open_source", refuse)
    t = _pts(clip)
    with Project.open(path) as proj:
        row = events_table(proj).sort_values("onset_frame").iloc[0]
    assert row["offset_time"] == pytest.approx(t[70], abs=1e-4)

"""A variable-rate video's events CSV imported onto the same file re-encoded IN PLACE to a constant rate, under its
own name (h235): the events land by their times, with a note, as on a copy of another name (h227). It was refused
('its frames fit no constant rate … and are not this 30 fps video's') unless --force-fps: a file naming the video
might be its own, frames right and times wrong. A project import knows better: it read the video file's own frame
times (a constant rate), and a constant-rate video never wrote frames that fit no rate. Where the video's times are
not known, the refusal stays, and says what to do in either case."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from support.cli_run import run
from support.vfr_clips import write_vfr_clip

from merstudio.errors import FrameRateMismatch
from merstudio.interchange import Media, preview_import, read_events_csv, write_events_csv
from merstudio.io import open_source
from merstudio.io.reencode import reencode
from merstudio.project import Event, Project

EVENTS = [Event(1, 45, 50, 60, emotion="happiness", coder="ann"), Event(1, 5, 8, 12, emotion="surprise", coder="ann")]


def _add(proj: Project, clip: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" note
        with open_source(clip) as src:
            proj.add_source(src)


@pytest.fixture(scope="module")
def reencoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray]:
    """(phone.mp4, re-encoded in place at 30 fps; the events CSV written from its variable-rate original; the
    original's frame times)."""
    folder = tmp_path_factory.mktemp("phone")
    phone = write_vfr_clip(folder / "phone.mp4", n=72, w=64, h=48)
    with Project.create(folder / "coded.merproj") as proj:
        _add(proj, phone)
        times = proj.video_times(1)
        assert times is not None and proj.video(1).fps < 29  # the original: variable, its mean rate
        csv = write_events_csv(EVENTS, folder / "phone.csv", Media(str(phone), fps=proj.video(1).fps, frame_count=72,
                                                                   times=times))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the input's "variable frame rate" note
        reencode(phone, folder / "phone.tmp.mp4")
    os.replace(folder / "phone.tmp.mp4", phone)  # in place: the same name
    return phone, csv, times


def _copy_frame(t: float, fps: float = 30.0) -> int:
    return int(np.floor(t * fps + 0.5))  # the copy's first frame showing the original's frame at t (reencode's rule)


def test_it_lands_by_its_times_on_the_file_reencoded_in_place(reencoded, tmp_path: Path) -> None:
    phone, csv, times = reencoded
    with Project.create(tmp_path / "p.merproj") as proj:
        _add(proj, phone)
        assert (proj.video(1).name, proj.video(1).fps) == ("phone.mp4", 30.0)
        imp = preview_import(proj, csv, 1)  # refused before: 'not this 30 fps video's', --force-fps needed
    got = sorted((e.onset, e.apex, e.offset) for e in imp.accept())
    want = sorted(tuple(_copy_frame(times[f]) for f in (e.onset, e.apex, e.offset)) for e in EVENTS)
    assert got == want and want[1] != (45, 50, 60)
    assert any("frames are a variable-rate video's (frame / time" in n and "not those of this constant-rate "
               "'phone.mp4' (re-encoded since" in n
               and "re-encoded since" in n and "placed by their times" in n for n in imp.notes), imp.notes


def test_the_cli_imports_it_without_force_fps(reencoded, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    phone, csv, _times = reencoded
    assert run(capsys, "project", "new", tmp_path / "p.merproj", phone)[0] == 0
    code, out, err = run(capsys, "convert", "--project", tmp_path / "p.merproj", "--import", csv, "--video",
                         "phone.mp4", "--yes")
    assert code == 0, err
    assert "placed by their times" in out + err and "imported 2 event(s)" in out, out


def test_where_its_times_are_unknown_the_refusal_says_what_to_do(reencoded) -> None:
    _phone, csv, _times = reencoded
    with pytest.raises(FrameRateMismatch) as exc:
        read_events_csv(csv, fps=30.0, video_name="phone.mp4")  # the caller read no times of the video
    line = str(exc.value)
    assert "\n" not in line and "fit no constant rate" in line
    assert "and 'phone.mp4' has a constant 30 fps: if 'phone.mp4' was re-encoded to it since, --force-fps" in line
    assert "if it is that variable-rate video, its frame times are needed" in line


def test_the_variable_rate_original_keeps_its_own_frames(tmp_path: Path) -> None:
    phone = write_vfr_clip(tmp_path / "phone.mp4", n=72, w=64, h=48)
    with Project.create(tmp_path / "p.merproj") as proj:
        _add(proj, phone)
        csv = write_events_csv(EVENTS, tmp_path / "phone.csv", Media(str(phone), fps=proj.video(1).fps,
                                                                     frame_count=72, times=proj.video_times(1)))
        imp = preview_import(proj, csv, 1)
    assert sorted((e.onset, e.apex, e.offset) for e in imp.accept()) == [(5, 8, 12), (45, 50, 60)]
    assert not any("re-encoded" in n for n in imp.notes)

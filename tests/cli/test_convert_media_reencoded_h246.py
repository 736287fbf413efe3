"""`merstudio convert ev.csv out.eaf --media phone.mp4`, where phone.mp4 was re-encoded in place to a constant rate
after ev.csv was written from its variable-rate original (h246): --media names a video read right there, so its rate
is known and a file whose frames fit no rate is not its own: the events land by their times, with the note a project
import gives (h235). It was refused, advising `merstudio project relink`, which has no place without a project.
Where the refusal stays (--fps alone), it names convert's own ways: --force-fps, or --media VIDEO."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from support.cli_run import run
from support.vfr_clips import write_vfr_clip

from merstudio.interchange import Media, read_eaf, write_events_csv
from merstudio.io import open_source
from merstudio.io.reencode import reencode
from merstudio.project import Event, Project

EVENTS = [Event(1, 45, 50, 60, emotion="happiness", coder="ann"), Event(1, 5, 8, 12, emotion="surprise", coder="ann")]


@pytest.fixture(scope="module")
def reencoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray]:
    """(phone.mp4, re-encoded in place at 30 fps; the events CSV written from its variable-rate original; the
    original's frame times)."""
    folder = tmp_path_factory.mktemp("phone")
    phone = write_vfr_clip(folder / "phone.mp4", n=72, w=64, h=48)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" note
        with Project.create(folder / "coded.merproj") as proj, open_source(phone) as src:
            proj.add_source(src)
            times = proj.video_times(1)
            assert times is not None
            csv = write_events_csv(EVENTS, folder / "ev.csv", Media(str(phone), fps=proj.video(1).fps,
                                                                     frame_count=72, times=times))
        reencode(phone, folder / "phone.tmp.mp4")
    os.replace(folder / "phone.tmp.mp4", phone)  # in place: the same name, a constant 30 fps
    return phone, csv, times


def test_media_reencoded_in_place_places_the_events_by_their_times(reencoded, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    phone, csv, times = reencoded
    out = tmp_path / "out.eaf"
    code, stdout, err = run(capsys, "convert", csv, out, "--media", phone, "--yes")
    assert code == 0, err  # refused before: "... make its file found (merstudio project relink)"
    assert "relink" not in stdout + err
    assert "not those of this constant-rate video (re-encoded since the file was written): events placed by " \
           "their times" in stdout + err, stdout + err
    got = sorted((e.onset, e.apex, e.offset) for e in read_eaf(out, fps=30.0).accept())
    # each event on the copy's first frame showing the original's frame at its time (reencode's rule)
    want = sorted(tuple(int(np.floor(times[f] * 30.0 + 0.5)) for f in (e.onset, e.apex, e.offset)) for e in EVENTS)
    assert got == want and (45, 50, 60) not in want


def test_where_the_refusal_stays_it_names_converts_own_options(reencoded, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    _phone, csv, _times = reencoded
    code, _out, err = run(capsys, "convert", csv, tmp_path / "out.eaf", "--fps", "30", "--yes")
    line = err.strip().splitlines()[-1]
    assert code == 2 and "fit no constant rate" in line, err
    assert "--fps 30 is a constant rate" in line and "--force-fps places each event by its times" in line
    assert "--media VIDEO" in line and "relink" not in line and "fps_override" not in line

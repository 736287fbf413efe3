"""The synthetic set's writer (issue 14): a clip's folder appears whole (frames written into a temporary folder,
renamed once), a killed run leaves no clip with missing frames and its leftovers go with the next run, a second
run into the same folder is refused, a rerun replaces the clips."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import cv2
import pytest
from support.procs import kill_and_reap

from merstudio.atomic import FileClaim
from merstudio.errors import OutputError
from merstudio.synth import dataset as S

FRAMES = 6


def clip_folders(out):
    return sorted(p for p in (out / "frames").glob("*/*") if p.is_dir())


def temp_folders(out):
    return sorted(p.name for p in (out / "frames").glob("*/.*"))


def test_a_failed_frame_leaves_no_clip_and_no_temporary(tmp_path, monkeypatch):
    real, n = cv2.imwrite, []

    def imwrite(path, img, params=None):
        n.append(path)
        if len(n) == FRAMES + 3:  # the 4th frame of the second clip
            return False
        return real(path, img, params)

    monkeypatch.setattr(S.cv2, "imwrite", imwrite)
    with pytest.raises(OutputError, match="cannot write the image"):
        S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=3, frames=FRAMES)
    assert [p.name for p in clip_folders(tmp_path)] == ["synth01_000"]
    assert len(list((tmp_path / "frames" / "synth01" / "synth01_000").iterdir())) == FRAMES
    assert temp_folders(tmp_path) == [] and not (tmp_path / "samples.csv").exists()
    assert not (tmp_path / ".synthetic.lock").exists()


KILLED = textwrap.dedent("""
    import sys
    from merstudio.synth.dataset import make_synthetic_set
    make_synthetic_set(sys.argv[1], n_subjects=4, samples_per_subject=40, frames=int(sys.argv[2]),
                       progress=lambda done, total: print(done, flush=True))
""")


def test_a_killed_run_leaves_whole_clips_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "set"
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(out), str(FRAMES)], stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if int(line) >= 3:
                break
    finally:
        kill_and_reap(proc)
    assert len(clip_folders(out)) >= 3
    for clip in clip_folders(out):  # every clip under its real name is whole
        assert sorted(f.name for f in clip.iterdir()) == [f"img{t:02d}.jpg" for t in range(FRAMES)], clip
    assert not (out / "samples.csv").exists()
    table = S.make_synthetic_set(out, n_subjects=1, samples_per_subject=2, frames=FRAMES, seed=3)
    assert table.is_file() and temp_folders(out) == []
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    with FileClaim.acquire(tmp_path / ".synthetic.lock"):
        with pytest.raises(OutputError, match=f"being made here by pid {os.getpid()}"):
            S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=1, frames=FRAMES)
    S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=1, frames=FRAMES)


def test_a_rerun_replaces_the_clips(tmp_path):
    S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=2, frames=FRAMES, seed=1)
    first = (tmp_path / "frames" / "synth01" / "synth01_000" / "img03.jpg").read_bytes()
    S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=2, frames=FRAMES, seed=2)
    assert (tmp_path / "frames" / "synth01" / "synth01_000" / "img03.jpg").read_bytes() != first
    assert len(clip_folders(tmp_path)) == 2 and temp_folders(tmp_path) == []

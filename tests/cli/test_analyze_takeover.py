"""`merstudio analyze` and earlier results (audit fix F), from the command line: a batch takes over the results of
single runs into the same folder (it refused the whole batch: "a.csv: already exists"), an overwrite in another
--format leaves no stale table, an input named twice is analysed once, and the batch bar shows the running
videos' frames (the ETA counted finished videos only)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis.batch import BatchProgress
from merstudio.cli.main import main


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("in")
    a = write_clip(folder / "a.avi", n=10)
    b = folder / "b.avi"
    shutil.copy(a, b)
    return [a, b]


def test_a_batch_adopts_the_results_of_single_runs(clips, tmp_path: Path, capsys):
    out = tmp_path / "out1"
    assert main(["analyze", *map(str, clips), "-o", str(out), "-q"]) == 0
    run_ids = [json.loads((out / f"{n}.meta.json").read_text())["run_id"] for n in "ab"]
    listing = tmp_path / "list1.txt"
    listing.write_text("".join(f"{p}\n" for p in clips))
    capsys.readouterr()
    assert main(["analyze", "--list", str(listing), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "adopted 2 earlier result(s)" in captured.err, captured.err
    assert "0 to analyse, 2 finished before (skipped)" in captured.out, captured.out
    assert [json.loads((out / f"{n}.meta.json").read_text())["run_id"] for n in "ab"] == run_ids
    manifest = (out / "manifest.csv").read_text().splitlines()
    assert len(manifest) == 3 and all(",done," in line for line in manifest[1:]), manifest


def test_an_overwrite_in_another_format_leaves_no_stale_table(clips, tmp_path: Path):
    out = tmp_path / "o"
    assert main(["analyze", str(clips[0]), "-o", str(out), "-q"]) == 0
    assert main(["analyze", str(clips[0]), "-o", str(out), "-q", "--format", "parquet", "--overwrite"]) == 0
    assert (out / "a.parquet").is_file() and not (out / "a.csv").exists()


def test_an_input_named_twice_is_analysed_once(clips, tmp_path: Path, capsys):
    out = tmp_path / "o"
    assert main(["analyze", str(clips[0]), str(clips[0]), "-o", str(out), "-q"]) == 0
    captured = capsys.readouterr()
    assert "analysed once" in captured.err
    assert sorted(p.name for p in out.glob("*.csv")) == ["a.csv", "a.spots.csv"]
    assert "wall-clock" in captured.out


def test_the_batch_bar_shows_the_running_videos_frames(capsys):
    from merstudio.cli.analyze import BatchDisplay, _running_text

    p = BatchProgress(total=4, videos_done=3)
    p.running, p.labels = {3: (1200, 3750)}, {3: "long"}
    assert _running_text(p) == ": long 1200/3750 frames (32%)"
    display = BatchDisplay(True, False, 4)
    with display:
        display.progress(p)
        assert display.overall.n == pytest.approx(3.32)  # the ETA counts the running video's share
        assert "long 1200/3750 frames" in str(display.overall)


def test_a_split_videos_segments_count_as_one_video():
    """Two segments of one 1250-frame video running at once count by the video's frames, never as two videos
    (the bar showed 1.48/1 videos), and a finished segment's frames stay counted until the merge."""
    p = BatchProgress(total=1)
    p.segments = {0: (0, 1250), 1: (0, 1250), 2: (0, 1250)}
    p.running = {0: (300, 600), 1: (325, 600)}
    assert p.videos() == pytest.approx(0.5)
    p.running, p.split_done = {2: (25, 50)}, {0: 1200}
    assert p.videos() == pytest.approx(0.98)

"""`merstudio analyze IN -o URL --plot`, the rest: a video analysed in segments (--segment-minutes) publishes its plot
before its meta says `complete` (it was drawn from the published result and uploaded after it); a plot that fails
to draw no longer loses the result (the table, spots and meta were computed, and nothing was published): the result
is published without it, its meta saying why (`plot_missing`), one line says so and the exit status is 3 (an output
not written); and a second batch into the same URL is refused naming that URL, not the local staging folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis.outputs import staging_dir
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.cli import analyze as A
from merstudio.cli.main import main

fsspec = pytest.importorskip("fsspec")

SPLIT = ["--segment-minutes", str(1 / 60)]  # with a 1 s restart grid (below): 45 frames are two segments


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clip") / "long.avi", n=45)


@pytest.fixture
def one_second_grid(monkeypatch):
    """The CLI's settings with a restart every second, so that --segment-minutes 1/60 splits a 45-frame clip."""
    real = A._settings

    def settings(args) -> AnalysisSettings:
        s = real(args)
        s.keyframe_s = 1.0
        return s

    monkeypatch.setattr(A, "_settings", settings)


def _watch_complete_meta(mem, monkeypatch, meta: str, png: str) -> list[bool]:
    """For each write of `meta` that says complete: whether `png` was at the URL at that moment."""
    seen: list[bool] = []
    cls = type(mem)
    pipe = cls.pipe_file

    def watched(self, path, value, *args, **kwargs):
        if str(path) == meta and json.loads(value).get("status") == "complete":
            seen.append(self.exists(png))
        return pipe(self, path, value, *args, **kwargs)

    monkeypatch.setattr(cls, "pipe_file", watched)
    return seen


def test_a_split_video_publishes_its_plot_before_its_meta_says_complete(clip, one_second_grid, bucket, cwd,
                                                                        tmp_path, capsys, monkeypatch):
    mem, root = bucket
    url = f"memory:/{root}/s"
    local = tmp_path / "local"  # the same split run into a folder: the plot the URL must hold
    assert main(["analyze", str(clip), "-o", str(local), "--plot", "-q", *SPLIT]) == 0, capsys.readouterr().err
    capsys.readouterr()
    seen = _watch_complete_meta(mem, monkeypatch, f"{root}/s/long.meta.json", f"{root}/s/long.png")
    assert main(["analyze", str(clip), "-o", url, "--plot", "-q", *SPLIT]) == 0, capsys.readouterr().err
    assert seen == [True]  # the one `complete` write found the plot already there
    assert mem.cat_file(f"{root}/s/long.png") == (local / "long.png").read_bytes()
    assert mem.cat_file(f"{root}/s/long.csv") == (local / "long.csv").read_bytes()
    assert f"AU curves     : {url}/long.png" in capsys.readouterr().out
    assert not staging_dir(url).exists() and not list(cwd.iterdir())


@pytest.mark.parametrize("split", [False, True], ids=["whole", "split"])
def test_a_plot_that_fails_leaves_the_result_published_and_says_why(split, clip, one_second_grid, bucket, cwd,
                                                                     tmp_path, capsys, monkeypatch):
    mem, root = bucket
    url = f"memory:/{root}/f"
    local = tmp_path / "local"  # the table and spots the URL must hold (no plot asked: nothing to fail)
    extra = SPLIT if split else []
    assert main(["analyze", str(clip), "-o", str(local), "-q", *extra]) == 0, capsys.readouterr().err
    capsys.readouterr()

    from merstudio.analysis import plot

    real, failing = plot.plot_au_curves, [True]

    def broken(*args, **kwargs):
        if failing[0]:
            raise RuntimeError("matplotlib could not draw")
        return real(*args, **kwargs)

    monkeypatch.setattr(plot, "plot_au_curves", broken)
    code = main(["analyze", str(clip), "-o", url, "--plot", "-q", *extra])
    captured = capsys.readouterr()
    assert code == 3, captured.err
    assert mem.cat_file(f"{root}/f/long.csv") == (local / "long.csv").read_bytes()
    assert mem.cat_file(f"{root}/f/long.spots.csv") == (local / "long.spots.csv").read_bytes()
    meta = json.loads(mem.cat_file(f"{root}/f/long.meta.json"))
    assert meta["status"] == "complete" and meta["csv_bytes"] == mem.size(f"{root}/f/long.csv")
    assert meta["plot_missing"] == "RuntimeError: matplotlib could not draw"
    assert not mem.exists(f"{root}/f/long.png")
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert lines == [f"merstudio: {url}/long.meta.json: the result is published without its plot (RuntimeError: "
                     "matplotlib could not draw), as this meta says (plot_missing)"], captured.err
    assert "AU curves     : none (drawing it failed: RuntimeError: matplotlib could not draw)" in captured.out
    assert "Traceback" not in captured.err + captured.out
    assert not staging_dir(url).exists() and not list(cwd.iterdir())

    # the plot drawn later from that result (--plot again, not analysed again): the meta no longer says it is missing
    failing[0] = False
    table = mem.cat_file(f"{root}/f/long.csv")
    assert main(["analyze", str(clip), "-o", url, "--plot", "-q", *extra]) == 0, capsys.readouterr().err
    assert "not analysed again" in capsys.readouterr().err
    assert mem.cat_file(f"{root}/f/long.png")[:8] == b"\x89PNG\r\n\x1a\n"
    again = json.loads(mem.cat_file(f"{root}/f/long.meta.json"))
    assert "plot_missing" not in again and again == {k: v for k, v in meta.items() if k != "plot_missing"}
    assert mem.cat_file(f"{root}/f/long.csv") == table


def test_a_second_batch_into_a_url_is_refused_naming_the_url(clip, bucket, cwd, capsys):
    from merstudio.atomic import FileClaim

    mem, root = bucket
    url = f"memory:/{root}/lock"
    staging = staging_dir(url)
    staging.mkdir(parents=True, exist_ok=True)
    held = FileClaim.acquire(staging / "manifest.lock")  # the first batch, under way
    try:
        code = main(["analyze", "--batch", str(clip), "-o", url, "-q"])
    finally:
        held.release()
    err = capsys.readouterr().err
    assert code == 3, err
    assert f"{url}/manifest.csv: another batch is writing to {url} (pid " in err, err
    assert str(staging) not in err and "merstudio-staging" not in err
    assert not mem.exists(f"{root}/lock/long.csv")  # refused before anything ran

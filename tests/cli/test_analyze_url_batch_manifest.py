"""`merstudio analyze` into an output URL, the rest of it: a batch's manifest lives at the URL beside the results (it
went to a local folder named after the URL, ./memory:/bucket/..., and a rerun analysed everything again); a rerun
skips the inputs it lists as done and, with --retry-failed, runs the failed ones again; `-o local:///abs/path`
writes to that absolute path (pathlib collapsed it into the relative local://abs/path); and the plot of --plot is
published before the result's meta says `complete` (it was uploaded after it). The working folder stays
untouched in every case."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis.outputs import staging_dir
from merstudio.cli.main import main

fsspec = pytest.importorskip("fsspec")


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    a = write_clip(folder / "a.avi", n=12)
    b = folder / "b.avi"
    b.write_bytes(a.read_bytes())
    return [a, b]


def _rows(mem, path: str) -> dict[str, dict[str, str]]:
    return {Path(r["video"]).name: r for r in csv.DictReader(io.StringIO(mem.cat_file(path).decode("utf-8")))}


def test_batch_manifest_lives_at_the_url_and_a_rerun_skips_what_it_lists_done(clips, bucket, cwd, capsys,
                                                                               monkeypatch):
    mem, root = bucket
    url = f"memory:/{root}/b1"
    assert main(["analyze", "--batch", *map(str, clips), "-o", url, "-q"]) == 0, capsys.readouterr().err
    rows = _rows(mem, f"{root}/b1/manifest.csv")
    assert {k: r["status"] for k, r in rows.items()} == {"a.avi": "done", "b.avi": "done"}
    assert {r["output"] for r in rows.values()} == {"a", "b"}
    assert mem.exists(f"{root}/b1/a.csv") and mem.exists(f"{root}/b1/b.csv")
    assert f"manifest {url}/manifest.csv" in capsys.readouterr().out
    assert not list(cwd.iterdir())  # no ./memory:/... with a manifest in it
    assert not staging_dir(url).exists()

    analysed: list[object] = []
    monkeypatch.setattr("merstudio.analysis.batch.analyze_file", lambda *a, **k: analysed.append(a))
    listing = cwd.parent / "inputs.txt"
    listing.write_text("\n".join(map(str, clips)) + "\n", encoding="utf-8")
    assert main(["analyze", "--list", str(listing), "-o", url]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert not analysed and "0 to analyse, 2 finished before (skipped)" in out, out
    assert not list(cwd.iterdir())


def test_failed_inputs_are_skipped_from_the_url_manifest_and_retried_with_retry_failed(clips, bucket, cwd,
                                                                                       tmp_path, capsys):
    mem, root = bucket
    url = f"memory:/{root}/b2"
    bad = tmp_path / "bad.avi"
    bad.write_bytes(b"not a video at all")
    assert main(["analyze", "--batch", str(clips[0]), str(bad), "-o", url, "-q"]) == 2
    rows = _rows(mem, f"{root}/b2/manifest.csv")
    assert rows["a.avi"]["status"] == "done" and rows["bad.avi"]["status"] == "failed"
    capsys.readouterr()
    assert main(["analyze", "--batch", str(clips[0]), str(bad), "-o", url]) == 2
    captured = capsys.readouterr()
    assert "0 to analyse, 1 finished before (skipped), 1 failed before (skipped" in captured.out, captured.out
    assert "failed before (skipped; --retry-failed runs it again)" in captured.err
    assert main(["analyze", "--batch", str(clips[0]), str(bad), "-o", url, "--retry-failed"]) == 2
    out = capsys.readouterr().out
    assert "1 to analyse, 1 finished before (skipped), 0 failed before" in out, out
    assert _rows(mem, f"{root}/b2/manifest.csv")["bad.avi"]["status"] == "failed"
    assert not list(cwd.iterdir())


def test_local_url_with_an_absolute_path_writes_there(clips, cwd, tmp_path, capsys):
    target = tmp_path / "abs" / "out"
    url = f"local://{target}"  # local:///tmp/.../abs/out
    assert url.startswith("local:///")
    assert main(["analyze", str(clips[0]), "-o", url, "-q"]) == 0, capsys.readouterr().err
    meta = json.loads((target / "a.meta.json").read_text(encoding="utf-8"))
    assert meta["status"] == "complete" and meta["csv_bytes"] == (target / "a.csv").stat().st_size
    assert f"{url}/a.csv" in capsys.readouterr().out
    assert not list(cwd.iterdir())  # not the relative local://tmp/... under the working folder
    # a batch too: its manifest beside the results at that absolute path
    assert main(["analyze", "--batch", str(clips[1]), "-o", url, "-q"]) == 0, capsys.readouterr().err
    assert (target / "manifest.csv").is_file() and (target / "b.csv").is_file()
    assert not list(cwd.iterdir())


def test_plot_is_published_before_the_meta_says_complete(clips, bucket, cwd, capsys, monkeypatch):
    """A reader that waits for `complete` finds the PNG too: at the moment the meta is written `complete`, the plot
    is already at the URL."""
    mem, root = bucket
    url = f"memory:/{root}/p"
    seen: list[tuple[str, bool]] = []
    cls = type(mem)
    pipe = cls.pipe_file

    def watched(self, path, value, *args, **kwargs):
        if str(path).endswith("a.meta.json") and json.loads(value).get("status") == "complete":
            seen.append((str(path), self.exists(f"{root}/p/a.png")))
        return pipe(self, path, value, *args, **kwargs)

    monkeypatch.setattr(cls, "pipe_file", watched)
    assert main(["analyze", str(clips[0]), "-o", url, "--plot", "-q"]) == 0, capsys.readouterr().err
    assert seen == [(f"{root}/p/a.meta.json", True)]
    assert mem.cat_file(f"{root}/p/a.png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"AU curves     : {url}/a.png" in capsys.readouterr().out
    assert not staging_dir(url).exists() and not list(cwd.iterdir())

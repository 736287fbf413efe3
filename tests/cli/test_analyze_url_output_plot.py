"""`merstudio analyze IN -o URL` (an fsspec URL: memory:// here, local:// for worker processes): --plot draws the AU
plot and publishes it beside the result (it failed with exit 3 once publishing had emptied the staging folder), the
summary names the published files at the URL (not the staging copies publishing removed), no empty staging folder
and no local folder named after the URL stay behind, and --plot on an up-to-date published result draws it from
that result without analysing the input again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from merstudio.analysis.outputs import staging_dir
from merstudio.cli.main import main

fsspec = pytest.importorskip("fsspec")


@pytest.fixture(scope="module")
def local_png(clip: Path, tmp_path_factory) -> bytes:
    """The plot a run into a local folder draws: what the same result's plot at a URL must be, byte for byte."""
    out = tmp_path_factory.mktemp("local") / "out"
    assert main(["analyze", str(clip), "-o", str(out), "--plot", "-q"]) == 0
    return (out / "a.png").read_bytes()


def test_plot_of_a_result_written_to_a_url_is_published_beside_it(clip, local_png, bucket, cwd, capsys):
    mem, root = bucket
    url = f"memory:/{root}/out"
    assert main(["analyze", str(clip), "-o", url, "--plot", "-q"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    meta = json.loads(mem.cat_file(f"{root}/out/a.meta.json"))
    assert meta["status"] == "complete" and meta["csv_bytes"] == mem.size(f"{root}/out/a.csv")
    assert mem.cat_file(f"{root}/out/a.png") == local_png  # the plot of the same table
    assert f"AU curves     : {url}/a.png" in out
    assert not staging_dir(url).exists() and not list(cwd.iterdir())


def test_summary_names_the_url_and_no_staging_folder_stays(clip, bucket, cwd, capsys):
    mem, root = bucket
    url = f"memory:/{root}/out"
    assert main(["analyze", str(clip), "-o", url, "-q"]) == 0
    out = capsys.readouterr().out
    assert f"per-frame CSV : {url}/a.csv" in out and f"spotting      : {url}/a.spots.csv" in out, out
    assert "merstudio-staging" not in out
    assert mem.exists(f"{root}/out/a.csv") and mem.exists(f"{root}/out/a.spots.csv")
    assert not staging_dir(url).exists()  # publishing emptied it: it goes too
    assert not list(cwd.iterdir())  # nothing local named memory:/...


def test_plot_of_an_up_to_date_published_result_is_drawn_from_it(clip, local_png, bucket, cwd, capsys,
                                                                  monkeypatch):
    mem, root = bucket
    url = f"memory:/{root}/out"
    assert main(["analyze", str(clip), "-o", url, "-q"]) == 0
    table = mem.cat_file(f"{root}/out/a.csv")
    analysed: list[object] = []
    monkeypatch.setattr("merstudio.analysis.batch.analyze_file", lambda *a, **k: analysed.append(a))
    capsys.readouterr()
    assert main(["analyze", str(clip), "-o", url, "-q", "--plot"]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert not analysed and "up to date" in err and "not analysed again" in err
    assert mem.cat_file(f"{root}/out/a.png") == local_png and mem.cat_file(f"{root}/out/a.csv") == table
    # other settings: stale, refused as before without --overwrite
    assert main(["analyze", str(clip), "-o", url, "-q", "--plot", "--landmarks"]) == 3
    assert "already exists" in capsys.readouterr().err and not analysed


def test_plots_of_a_two_process_run_to_a_url(clip, local_png, cwd, capsys):
    """-j 2: the workers publish (to storage every process sees: local:// relative to the working folder); the plots
    are drawn from the published tables."""
    other = cwd.parent / "b.avi"
    other.write_bytes(clip.read_bytes())
    url = "local://pub/out"
    assert main(["analyze", str(clip), str(other), "-o", url, "--plot", "-q", "-j", "2"]) == 0, \
        capsys.readouterr().err
    out = capsys.readouterr().out
    pub = cwd / "pub" / "out"
    assert (pub / "a.png").read_bytes() == local_png
    assert (pub / "b.csv").read_bytes() == (pub / "a.csv").read_bytes()
    assert f"{url}/b.png" in out and not staging_dir(url).exists()
    assert sorted(p.name for p in cwd.iterdir()) == ["pub"]

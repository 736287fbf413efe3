"""`merstudio analyze IN --plot` when IN's result in the output folder is up to date: the plot is drawn from the
result's files (its table and meta), not by analysing the input again; a stale result is analysed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.cli.main import main


def _forbid_analysis(monkeypatch) -> list[Path]:
    """From now on, analysing an input fails the test (the calls are recorded)."""
    calls: list[Path] = []

    def refuse(path, *args, **kwargs):
        calls.append(Path(path))
        raise AssertionError("analysed again")

    monkeypatch.setattr("merstudio.analysis.batch.analyze_file", refuse)
    return calls


def test_a_plain_plot_of_an_up_to_date_result_is_drawn_from_it(clip: Path, tmp_path: Path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "-o", str(out), "-q"]) == 0
    table = (out / "a.csv").read_bytes()
    calls = _forbid_analysis(monkeypatch)
    capsys.readouterr()
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot"]) == 0
    err = capsys.readouterr().err
    assert not calls and (out / "a.png").is_file() and (out / "a.csv").read_bytes() == table
    assert err.count("\n") == 1 and "up to date" in err and "not analysed again" in err, err
    # other settings: the result is stale, refused as before without --overwrite (nothing drawn from it)
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot", "--landmarks"]) == 3
    assert "already exists" in capsys.readouterr().err and not calls


def test_a_batch_plot_of_finished_results_is_drawn_from_them(clip: Path, tmp_path: Path, capsys, monkeypatch):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{clip}\n")
    out = tmp_path / "out"
    assert main(["analyze", "--list", str(listing), "-o", str(out), "-q"]) == 0
    no_analysis = _forbid_analysis(monkeypatch)
    capsys.readouterr()
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--plot"]) == 0
    captured = capsys.readouterr()
    assert not no_analysis and (out / "a.png").is_file()
    assert "0 to analyse, 1 finished before (skipped)" in captured.out and "up to date" in captured.err
    (out / "a.png").unlink()
    # a single run's result adopted by a batch: its plot drawn from it too
    (out / "manifest.csv").unlink()
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--plot", "-q"]) == 0
    assert not no_analysis and (out / "a.png").is_file() and "adopted 1" in capsys.readouterr().err


def test_a_parquet_result_is_plotted(clip: Path, tmp_path: Path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--format", "parquet", "--plot"]) == 0
    assert (out / "a.parquet").is_file() and (out / "a.png").is_file()


def test_a_batch_refused_by_another_batch_draws_nothing(clip: Path, tmp_path: Path, capsys, monkeypatch):
    """Another batch owns the folder (its manifest.lock): the plots of up-to-date results are drawn only once this
    run has claimed it, so a refused run writes no plot there."""
    from merstudio.atomic import FileClaim

    listing = tmp_path / "list.txt"
    listing.write_text(f"{clip}\n")
    out = tmp_path / "out"
    assert main(["analyze", "--list", str(listing), "-o", str(out), "-q"]) == 0
    no_analysis = _forbid_analysis(monkeypatch)
    capsys.readouterr()
    with FileClaim.acquire(out / "manifest.lock"):  # another batch (the same lock refuses this process too)
        assert main(["analyze", "--list", str(listing), "-o", str(out), "--plot", "-q"]) == 3
        err = capsys.readouterr().err
        assert "another batch is running" in err and "plot drawn" not in err, err
        assert not (out / "a.png").exists() and not no_analysis
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--plot", "-q"]) == 0
    assert (out / "a.png").is_file() and not no_analysis

"""`merstudio datasets prepare --flow dis_fast` fills the cache with dis_fast inputs (a dis_fast checkpoint's
fine-tuning and evaluation prepare those); it was refused ("invalid choice"), though every other command that
prepares a training set's inputs computes it."""

from __future__ import annotations

from support.cli_run import run_datasets


def test_prepare_computes_and_caches_dis_fast_inputs_apart_from_dis(tmp_path, make, capsys) -> None:
    make.smic(tmp_path)
    cache = tmp_path / "cache"
    argv = ["datasets", "prepare", "smic", str(tmp_path), "--no-align", "--size", "28", "-q", "--cache", str(cache)]
    assert run_datasets([*argv, "--flow", "dis_fast"]) == 0
    assert "5 samples -> (5, 2, 3, 28, 28) float32; computed 5, from cache 0" in capsys.readouterr().out
    stored = set(cache.rglob("*.npz"))
    assert len(stored) == 5  # one file a sample
    assert run_datasets([*argv, "--flow", "dis_fast"]) == 0  # the second time: read back
    assert "computed 0, from cache 5" in capsys.readouterr().out
    assert run_datasets([*argv, "--flow", "dis"]) == 0  # another method, other inputs: never the dis_fast ones
    assert "computed 5, from cache 0" in capsys.readouterr().out
    assert len(set(cache.rglob("*.npz")) - stored) == 5

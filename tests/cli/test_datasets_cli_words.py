"""`merstudio datasets`: `prepare -q` is taken, as every other command with a progress bar takes it (it was refused
as an unknown option), and hides the bar; `inspect KIND:ROOT EXTRA` (the kind and root in one, and a root again) says
what to give instead of "unknown dataset kind"."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.flow_tables import write_table


def test_prepare_takes_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = write_table(tmp_path / "data", n=8, n_subjects=2)
    code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", tmp_path / "c1")
    assert code == 0 and "preprocess" in err, err  # a log's line as the bar starts and one as it ends
    code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", tmp_path / "c2", "-q")
    assert code == 0, err
    assert "preprocess" not in err and "8 samples ->" in out


@pytest.mark.parametrize("spec", ["table:t.csv", "casme2:/data/CASME2"])
def test_kind_root_and_a_root_again_says_what_to_give(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      spec: str) -> None:
    code, _, err = run(capsys, "datasets", "inspect", spec, "extra")
    assert code == 2
    assert err.strip().splitlines() == [f"merstudio: error: {spec} extra: give KIND ROOT (e.g. casme2 /data/CASME2) "
                                        "or KIND:ROOT, not both"]

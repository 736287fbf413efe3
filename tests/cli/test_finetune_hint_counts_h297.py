"""`merstudio finetune`'s line after a run, "not used (emotion not among the model's classes): ...", names a class map
only where the run's samples and the left-out events under it would pass the counts at the run's --min-per-class
(h297, h292's rule, as the refusal and the app's dialog name it): it named one from the left-out events alone, and
following it could end in the too-few refusal."""

from __future__ import annotations

import pytest
from support.finetune_project import project_fixtures

from merstudio.project import Project

built, cache, proj = project_fixtures("fthint")


@pytest.fixture
def no_positive(proj):
    """The project without its 'positive' events: the model's 'positive' has none, and megc2019 would make the 3
    left-out 'happiness' events its only ones."""
    path, ckpt = proj
    with Project.open(path) as p:
        p.delete_events([e.id for e in p.events(status="accepted") if e.emotion == "positive"])
    return path, ckpt


def _run(path, ckpt, cache, capsys, min_per_class: int) -> str:
    from merstudio.cli.main import main

    capsys.readouterr()
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache",
               str(cache), "--no-progress", "--min-per-class", str(min_per_class),
               "-o", str(path.parent / f"min{min_per_class}.pt")])
    out = capsys.readouterr().out
    assert rc == 0, out
    return next(line for line in out.splitlines() if line.startswith("not used"))


def test_no_map_is_named_whose_counts_would_not_pass(no_positive, cache, capsys) -> None:
    path, ckpt = no_positive
    # megc2019 would use the 3 happiness events, but its 'positive' would have 3 < 4 and `--classes megc2019
    # --min-per-class 4` is refused: no map named (at 3 it passes and is named: test_finetune.py's test_cli)
    line = _run(path, ckpt, cache, capsys, 4)
    assert line == "not used (emotion not among the model's classes): (no emotion) 3, happiness 3"

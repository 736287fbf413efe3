"""`merstudio train --config chosen.json` counts the subjects the search saw by their inputs, as `evaluate` counts a
checkpoint's trainers: a copy of the searched table with every subject renamed (the same images) was declared
"none of these subjects" and "the test fold is never looked at", and the run scored the search's own winner; and
another set's images under the searched ids are other people.

Expected counts come from the data: the table has 4 subjects and the search ran on all 4; the renamed copy holds
the same 4 people's images, the other copy other images under the same 4 ids."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import pytest
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--device", "cpu", "--no-progress"]


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tune_people")
    mp = pytest.MonkeyPatch()
    mp.setenv("MERSTUDIO_CACHE", str(tmp / "cache"))
    table = write_table(tmp / "data")
    base = write_tiny_config(tmp / "base.json", width=4)
    space = tmp / "space.json"
    space.write_text(json.dumps({"train.lr": [1e-3]}))
    assert main(["tune", "--data", str(table), "--out", str(tmp / "tune"), "--space", str(space),
                 "--search", "grid", "--inner", "kfold:2", "--config", str(base), *TINY]) == 0
    yield tmp, table, tmp / "tune" / "chosen.json"
    mp.undo()


def _copy(table: Path, folder: Path, rename: bool, invert: bool) -> Path:
    """The table under `folder`: its subjects renamed ("p_" + id) and/or its images inverted (other inputs)."""
    (folder / "flows").mkdir(parents=True)
    with open(table, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        img = cv2.imread(str(table.parent / r["path"]), cv2.IMREAD_UNCHANGED)
        cv2.imwrite(str(folder / r["path"]), 255 - img if invert else img)
        if rename:
            r["subject"] = "p_" + r["subject"]
    out = folder / "samples.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


def _train(table: Path, chosen: Path, out: Path) -> tuple[str, dict]:
    assert main(["train", "--data", str(table), "--out", str(out), "--protocol", "kfold:2", "--config",
                 str(chosen), *TINY]) == 0
    return (out / "summary.md").read_text(encoding="utf-8"), json.loads((out / "run.json").read_text("utf-8"))


def test_the_searched_people_under_other_ids_are_seen(searched):
    tmp, table, chosen = searched
    renamed = _copy(table, tmp / "renamed", rename=True, invert=False)
    summary, run = _train(renamed, chosen, tmp / "run_renamed")
    assert run["config_origin"]["seen_subjects"] == 4
    assert "saw 4 of these 4 subjects" in summary
    assert "not a nested estimate" in summary
    assert "none of these subjects" not in summary and "the test fold is never looked at" not in summary


def test_other_people_under_the_searched_ids_are_not_seen(searched):
    tmp, table, chosen = searched
    other = _copy(table, tmp / "other", rename=False, invert=True)
    summary, run = _train(other, chosen, tmp / "run_other")
    assert run["config_origin"]["seen_subjects"] == 0
    assert "none of these subjects' inputs" in summary
    # not counted as seen, but their shared names said (h288): they may be the same people under other images
    assert "share a name with subjects the search that chose the configuration looked at" in summary
    assert "(not counted as seen)" in summary and "chosen by a search that saw" not in summary

"""run.json and summary.md say what ran the folds (in-process, local processes, Ray and the cluster's address):
only the console line said it. A resume on another back-end is not refused for it."""

from __future__ import annotations

import json

import merstudio.training.run as run_mod
from merstudio.execution import Backend


def test_run_json_and_summary_name_the_back_end(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    s = tiny_settings(epochs=1, num_threads=1)
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "p", protocol="kfold:2",
                         backend=Backend("processes", jobs=2))
    spec = json.loads((tmp_path / "p" / "run.json").read_text())
    assert spec["backend"] == {"kind": "processes", "jobs": 2, "address": None, "said": "2 local processes"}
    assert "folds run on 2 local processes" in (tmp_path / "p" / "summary.md").read_text()
    folds = [json.loads(p.read_text()) for p in sorted((tmp_path / "p" / "folds").glob("*.json"))]
    assert [f["backend"] for f in folds] == ["2 local processes"] * 2


def test_a_cluster_address_is_recorded_and_a_resume_elsewhere_is_not_refused(tiny_data, tiny_cfg, tiny_settings,
                                                                             tmp_path):
    data, classes = tiny_data
    s = tiny_settings(epochs=1, num_threads=1)
    ray = Backend("ray", 1, "head.example:6379")  # recorded before anything connects
    run_mod.prepare_run(data, classes, tiny_cfg(), run_mod.resolved_threads(s, ray), tmp_path / "r",
                        protocol="kfold:2", backend=ray)
    spec = json.loads((tmp_path / "r" / "run.json").read_text())
    assert spec["backend"]["address"] == "head.example:6379"
    assert spec["backend"]["said"] == "Ray cluster at head.example:6379"
    run_mod.run_protocol(data, classes, tiny_cfg(), s, tmp_path / "r", protocol="kfold:2",
                         backend=Backend("processes", jobs=2))  # the same run resumed on local processes
    assert "folds run on Ray cluster at head.example:6379" in (tmp_path / "r" / "summary.md").read_text()

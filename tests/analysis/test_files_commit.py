"""A finished run commits its result in one step (issue 12; issue 14's leftover: "the final three renames of an
analysis result are not one atomic step"). Faults injected at every rename of the commit: a reader never sees a
meta that says complete beside files it does not describe, and the next run finishes the commit."""

import json
import os

import pytest
from support.clips import write_clip

import merstudio.analysis.files as files
from merstudio.analysis.files import analyze_file, claim_result, output_paths, result_status
from merstudio.analysis.outputs import file_digest
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.errors import OutputError

N = 10
OLD = AnalysisSettings(landmarks=True)  # the earlier result: other columns, so old and new files differ
NEW = AnalysisSettings()
COMMIT_RENAMES = 5  # staged spots, the commit record (the commit point), rows, spots, the new meta


class Killed(BaseException):
    """A kill in the middle of the commit (nothing after it runs)."""


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N)


@pytest.fixture(scope="module")
def results(clip, tmp_path_factory):
    """The files of a complete OLD and a complete NEW result, for comparison."""
    out = {}
    for key, settings in (("old", OLD), ("new", NEW)):
        d = tmp_path_factory.mktemp(key)
        analyze_file(clip, d, "clip", settings)
        out[key] = {n: (d / n).read_bytes() for n in ("clip.csv", "clip.spots.csv", "clip.meta.json")}
    return out


def _consistent(folder):
    """The invariant: a meta that says complete describes exactly the files beside it."""
    meta = json.loads((folder / "clip.meta.json").read_text())
    if meta["status"] == "complete":
        assert result_status(folder, "clip", verify=True) == "complete"
        assert file_digest(folder / "clip.csv") == meta["csv_sha256"]
        assert file_digest(folder / "clip.spots.csv") == meta["spots_sha256"]
    else:
        assert meta["status"] == "committing" and result_status(folder, "clip") == "committing"
    return meta["status"]


@pytest.mark.parametrize("error", [OSError, Killed])
@pytest.mark.parametrize("fail_at", range(1, COMMIT_RENAMES + 1))
def test_a_fault_at_any_rename_of_the_commit(clip, results, tmp_path, monkeypatch, fail_at, error):
    for name, data in results["old"].items():  # the earlier complete result
        (tmp_path / name).write_bytes(data)
    real_replace, real_commit = os.replace, files.commit_result
    count = {"n": 0, "on": False}

    def replace(src, dst):
        if count["on"]:
            count["n"] += 1
            if count["n"] >= fail_at:  # this rename and every later one fail (a kill: nothing later runs)
                raise error(5, "Input/output error") if error is OSError else error()
        return real_replace(src, dst)

    def commit(*args, **kwargs):
        count["on"] = True
        try:
            return real_commit(*args, **kwargs)
        finally:
            count["on"] = False

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(files, "commit_result", commit)
    with pytest.raises((OutputError, Killed)):
        analyze_file(clip, tmp_path, "clip", NEW)
    monkeypatch.undo()

    status = _consistent(tmp_path)
    if fail_at <= 2:  # before the commit point: the old result, whole; the new rows kept as partial
        assert status == "complete"
        assert (tmp_path / "clip.csv").read_bytes() == results["old"]["clip.csv"]
        assert (tmp_path / "clip.partial.csv").exists()
    else:  # after it: the commit record, which the next run rolls forward
        assert status == "committing"
        notes = []
        with claim_result(output_paths(tmp_path, "clip"), notice=notes.append):
            pass
        assert len(notes) == 1 and "committing" in notes[0]
        assert _consistent(tmp_path) == "complete"
        assert (tmp_path / "clip.csv").read_bytes() == results["new"]["clip.csv"]
        assert (tmp_path / "clip.spots.csv").read_bytes() == results["new"]["clip.spots.csv"]
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == ["clip.csv", "clip.meta.json", "clip.spots.csv"], left


def test_a_passing_error_after_the_commit_point_is_retried(clip, results, tmp_path, monkeypatch):
    real_replace = os.replace
    failed = []

    def replace(src, dst):
        if str(src).endswith("clip.partial.csv") and str(dst).endswith("clip.csv") and not failed:
            failed.append(src)
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    out = analyze_file(clip, tmp_path, "clip", NEW)
    assert failed and out.complete and _consistent(tmp_path) == "complete"
    assert (tmp_path / "clip.csv").read_bytes() == results["new"]["clip.csv"]


def test_a_table_that_does_not_match_its_meta_is_not_complete(clip, tmp_path):
    analyze_file(clip, tmp_path, "clip", NEW)
    assert result_status(tmp_path, "clip") == "complete"
    with open(tmp_path / "clip.csv", "a") as fh:  # another writer appended to it
        fh.write("x\n")
    assert result_status(tmp_path, "clip") == "mismatch"
    assert result_status(tmp_path, "nothing") == "missing"

"""`merstudio demo --headless -o OUT` replaces only an earlier demo run's interview.* results. A user's own video
named interview.mp4, analysed into OUT, is not the demo's (its meta names another input of other content): refused
in one line without --overwrite; in a batch folder whose manifest gives the name to the user's video refused even
with it (the manifest would call the demo's rows that video's 'done' results). The demo's own result is known by its
input's content (another install's copy of the clip) or by the bundled clip's path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.analysis.files import content_hash
from merstudio.resources import demo_video


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_users_own_interview_results_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tiny_video(tmp_path / "interview.mp4", n=20)  # the user's own clip, named as the demo's
    out = tmp_path / "res"
    code, _, err = run(capsys, "analyze", mine, "-o", out, "-q")
    assert code == 0, err
    before = _contents(out)
    assert {"interview.csv", "interview.spots.csv", "interview.meta.json"} <= set(before)
    code, _, err = run(capsys, "demo", "--headless", "-o", out)
    assert code == 3
    assert err.strip().splitlines() == [f"merstudio: error: {out / 'interview.csv'}: already exists and no demo run "
                                        "wrote it (use --overwrite)"]
    assert _contents(out) == before


def test_a_batch_folder_keeps_its_name_even_with_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    study = tmp_path / "study"
    study.mkdir()
    tiny_video(study / "interview.mp4", n=20)
    out = tmp_path / "res"
    code, _, err = run(capsys, "analyze", study, "-o", out, "-q")
    assert code == 0 and (out / "manifest.csv").is_file(), err
    before = _contents(out)
    for extra in ([], ["--overwrite"]):
        code, _, err = run(capsys, "demo", "--headless", "-o", out, *extra)
        assert code == 3
        assert err.strip().splitlines() == [
            f"merstudio: error: {out / 'interview.csv'}: the batch of {out / 'manifest.csv'} keeps the results of "
            f"{study / 'interview.mp4'} under this name; write the demo to another folder (-o)"]
    assert _contents(out) == before


class _Reached(Exception):
    """The demo went on to analyse: it took the folder's interview.* results for its own."""


@pytest.mark.parametrize("where", ["a copy", "the bundled clip"])
def test_the_demos_own_result_is_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    import merstudio.cli.analyze as A

    if where == "a copy":  # another install's demo clip: the same bytes at another path
        source = tmp_path / "old-install" / "interview.mp4"
        source.parent.mkdir()
        shutil.copyfile(demo_video(), source)
        meta = {"merstudio": "0.0.9", "input": str(source), "input_hash": content_hash(source)}
    else:  # the bundled clip's path, its content since regenerated
        meta = {"merstudio": "0.0.9", "input": str(demo_video()), "input_hash": "1-0"}
    out = tmp_path / "res"
    out.mkdir()
    (out / "interview.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (out / "interview.csv").write_text("frame\n0\n", encoding="utf-8")
    (out / "interview.png").write_bytes(b"png")

    def reached(*args: object, **kwargs: object) -> None:
        raise _Reached

    monkeypatch.setattr(A, "_run_one", reached)
    with pytest.raises(_Reached):
        run(capsys, "demo", "--headless", "-o", out)

"""`merstudio spotting --checkpoint`: the analysis of each long video uses the learned model (as `merstudio analyze
--checkpoint`), spotting.md records which (path, SHA-256, classes), and a missing or unreadable checkpoint is one
line (exit 2) before any video is analysed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import pytest
from support.clips import _face
from support.finetune_project import tiny_checkpoint

import merstudio.analysis.batch as B
from merstudio.cli.main import main


@pytest.fixture(scope="module")
def truth(tmp_path_factory) -> Path:
    """A table of one short frame folder of a still face (the spotter finds nothing: one missed interval)."""
    root = tmp_path_factory.mktemp("spotck")
    canvas, _ = _face()
    folder = root / "face"
    folder.mkdir()
    for k in range(12):
        assert cv2.imwrite(str(folder / f"{k:03d}.png"), cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    table = root / "truth.csv"
    table.write_text("video,onset,offset\nface,3,6\n", encoding="utf-8")
    return table


def test_the_checkpoint_is_used_and_recorded(truth, tmp_path, capsys):
    ckpt = tiny_checkpoint(tmp_path / "mine.pt")
    out = tmp_path / "eval"
    assert main(["spotting", "--data", f"table:{truth}", "-o", str(out), "--checkpoint", str(ckpt)]) == 0
    assert f"learned model: {ckpt}" in capsys.readouterr().out
    report = (out / "spotting.md").read_text(encoding="utf-8")
    sha = hashlib.sha256(ckpt.read_bytes()).hexdigest()
    assert f"- learned model (--checkpoint): {ckpt} (sha256 {sha}; classes negative, positive, surprise, none)" \
        in report
    (meta_path,) = out.glob("*.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert Path(meta["settings"]["checkpoint"]) == ckpt
    (rows,) = [p for p in out.glob("*.csv") if p.name.count(".") == 1 and p.name not in ("spotting.csv",
                                                                                         "manifest.csv")]
    assert "p_negative" in rows.read_text(encoding="utf-8").splitlines()[0]

    # without it the report says so, and the videos are analysed again (another model: other columns)
    assert main(["spotting", "--data", f"table:{truth}", "-o", str(out), "-q"]) == 0
    assert "- learned model: none" in (out / "spotting.md").read_text(encoding="utf-8")
    assert "p_negative" not in rows.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("what", ["missing", "folder", "garbage"])
def test_a_bad_checkpoint_is_one_line_before_any_video(truth, tmp_path, capsys, monkeypatch, what):
    ckpt = tmp_path / "bad.pt"
    if what == "folder":
        ckpt.mkdir()
    elif what == "garbage":
        ckpt.write_bytes(b"not a checkpoint at all")

    def never(*a, **k):
        raise AssertionError("a video was analysed")

    monkeypatch.setattr(B, "run_batch", never)
    monkeypatch.setattr(B, "plan_batch", never)
    out = tmp_path / "eval"
    code = main(["spotting", "--data", f"table:{truth}", "-o", str(out), "--checkpoint", str(ckpt)])
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "merstudio" in line]
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"merstudio: error: {ckpt}: "), err
    assert not out.exists()

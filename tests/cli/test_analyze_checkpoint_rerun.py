"""A batch rerun with `--checkpoint` at the same path after the model was retrained into it: the results made
with the old model were skipped as finished with the same settings (the path was all that was compared); the
result records the checkpoint's sha256, and a rerun analyses again and says why."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from support.clips import write_clip
from support.finetune_project import tiny_checkpoint

from merstudio.cli.main import main


def test_a_retrained_checkpoint_at_the_same_path_is_analysed_again(tmp_path: Path, capsys) -> None:
    clip = write_clip(tmp_path / "a.avi", n=12)
    model = tiny_checkpoint(tmp_path / "model.pt", seed=0)
    listing = tmp_path / "list.txt"
    listing.write_text(f"{clip}\n")
    out = tmp_path / "out"
    argv = ["analyze", "--list", str(listing), "-o", str(out), "--checkpoint", str(model)]
    assert main([*argv, "-q"]) == 0
    meta = json.loads((out / "a.meta.json").read_text())
    assert meta["checkpoint_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    capsys.readouterr()

    assert main(argv) == 0
    assert "0 to analyse, 1 finished before (skipped)" in capsys.readouterr().out  # the same model: skipped

    tiny_checkpoint(model, seed=1)  # retrained into the same file
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "settings changed: --checkpoint (its file changed" in text and "batch: 1 analysed" in text, text
    again = json.loads((out / "a.meta.json").read_text())
    assert again["checkpoint_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest() != meta["checkpoint_sha256"]

    assert main(argv) == 0
    assert "0 to analyse, 1 finished before (skipped)" in capsys.readouterr().out


def test_the_meta_records_a_relative_checkpoint_absolute(tmp_path: Path, monkeypatch, capsys) -> None:
    clip = write_clip(tmp_path / "a.avi", n=8)
    tiny_checkpoint(tmp_path / "model.pt")
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", str(clip), "-o", "out", "--checkpoint", "model.pt", "-q"]) == 0
    meta = json.loads((tmp_path / "out" / "a.meta.json").read_text())
    assert meta["settings"]["checkpoint"] == str(tmp_path / "model.pt")  # was "model.pt": of which folder?

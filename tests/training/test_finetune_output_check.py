"""training.finetune_output: the one check of a fine-tuning's output path, and its second look right before the
write (a file that appeared during the training is not replaced; nothing is written)."""

from __future__ import annotations

import os
import shutil

import pytest

from merstudio.errors import OutputError
from merstudio.training.finetune_output import check_output, guarded, guarded_paths


def test_another_name_of_the_project_is_refused(tmp_path):
    from merstudio.project import Project

    Project.create(tmp_path / "study.merproj").close()
    parent = tmp_path / "parent.pt"
    parent.write_bytes(b"parent")
    os.link(tmp_path / "study.merproj", tmp_path / "linked.pt")  # the same file under a .pt name
    keep = guarded_paths(tmp_path / "study.merproj", parent)
    with pytest.raises(OutputError, match="the project file"):
        check_output(tmp_path / "linked.pt", keep, overwrite=True)
    with pytest.raises(OutputError, match="the checkpoint being fine-tuned"):
        check_output(tmp_path / "sub" / ".." / "parent.pt", keep, overwrite=True)
    assert check_output(tmp_path / "new.pt", keep, overwrite=False) == tmp_path / "new.pt"


def test_the_check_before_writing_refuses_a_file_that_appeared_and_writes_nothing(built, tmp_path):
    from merstudio.training.finetune import finetune

    dst = tmp_path / "p"
    shutil.copytree(built.path.parent, dst)
    path, ckpt = dst / built.path.name, dst / built.checkpoint.name
    out = tmp_path / "late.pt"
    keep = guarded_paths(path, ckpt)
    check_output(out, keep, overwrite=False)  # free when the training starts

    def meanwhile(epoch, epochs, loss):
        out.write_bytes(b"someone else's")

    run = guarded(finetune, lambda: check_output(out, keep, overwrite=False))
    with pytest.raises(OutputError, match="already exists"):
        run(path, ckpt, out, epochs=1, cache_dir=tmp_path / "cache", loss_callback=meanwhile)
    assert out.read_bytes() == b"someone else's"
    assert sorted(q.name for q in tmp_path.iterdir()) == ["cache", "late.pt", "p"]  # no temporary left

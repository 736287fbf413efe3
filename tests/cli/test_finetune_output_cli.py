"""`merstudio finetune -o`: an output that is the project, a file beside it, a video of the project, the parent or
a checkpoint the project's analyses name is refused before any training, in one line, whatever --overwrite says,
and the file keeps its bytes; an existing other file is refused without --overwrite and replaced with it."""

from __future__ import annotations

import shutil

import pytest
from support.finetune_project import build_project, guarded_project

from merstudio.cli.main import main


@pytest.mark.parametrize("which, why", [
    ("project", "the project file"),
    ("bak", "beside the project"),
    ("video", "a video of the project"),
    ("parent", "the checkpoint being fine-tuned"),
    ("ran", "analyses were made with"),
])
@pytest.mark.parametrize("overwrite", [False, True])
def test_refused_before_training_and_left_as_it_was(tmp_path, capsys, which, why, overwrite):
    files = guarded_project(tmp_path / "p")
    target = files[which]
    before = target.read_bytes()
    rc = main(["finetune", "--project", str(files["project"]), "--checkpoint", str(files["parent"]), "-o",
               str(target), "--no-progress", *(["--overwrite"] if overwrite else [])])
    err = capsys.readouterr().err.strip()
    assert rc != 0
    assert len(err.splitlines()) == 1 and why in err and str(target) in err
    assert target.read_bytes() == before


def test_the_lock_and_journal_beside_the_project_are_refused_even_absent(tmp_path, capsys):
    files = guarded_project(tmp_path / "p")
    for side in ("study.merproj.lock", "study.merproj-journal", "study.merproj-wal"):
        rc = main(["finetune", "--project", str(files["project"]), "--checkpoint", str(files["parent"]), "-o",
                   str(files["project"].parent / side), "--overwrite"])
        assert rc != 0 and "beside the project" in capsys.readouterr().err


def test_a_folder_and_a_path_not_pt_are_refused(tmp_path, capsys):
    files = guarded_project(tmp_path / "p")
    rc = main(["finetune", "--project", str(files["project"]), "--checkpoint", str(files["parent"]), "-o",
               str(tmp_path), "--overwrite"])
    assert rc != 0 and "is a folder" in capsys.readouterr().err
    rc = main(["finetune", "--project", str(files["project"]), "--checkpoint", str(files["parent"]), "-o",
               str(tmp_path / "new.zip")])
    assert rc != 0 and "not a .pt path" in capsys.readouterr().err
    assert not (tmp_path / "new.zip").exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("ftoutcli"))


def test_an_existing_other_file_needs_overwrite_and_is_then_replaced(built, tmp_path, capsys):
    from merstudio.model import read_checkpoint_meta

    dst = tmp_path / "p"
    shutil.copytree(built.path.parent, dst)
    path, ckpt = dst / built.path.name, dst / built.checkpoint.name
    other = tmp_path / "other.pt"
    other.write_bytes(b"someone's earlier checkpoint")
    base = ["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--no-progress",
            "--cache", str(tmp_path / "cache"), "-o", str(other)]
    rc = main(base)
    err = capsys.readouterr().err
    assert rc != 0 and "already exists (use --overwrite)" in err
    assert other.read_bytes() == b"someone's earlier checkpoint"
    assert main([*base, "--overwrite"]) == 0
    assert f"saved {other}" in capsys.readouterr().out
    assert read_checkpoint_meta(other)["parent_sha256"]  # a checkpoint of this fine-tuning now

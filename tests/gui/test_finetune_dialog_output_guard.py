"""Fine-tune on corrections…, "New checkpoint": the project, a file beside it, a video of the project, the parent,
the checkpoint the app has loaded and one its analyses name are refused before training, in one line, their bytes
unchanged; an existing other file is replaced only after "Replace <file>?" is answered Yes, asked before training;
a file that appears during the training is not replaced."""

from __future__ import annotations

import pytest
from support.finetune_project import build_project, guarded_project, private_copy


@pytest.fixture
def asked(monkeypatch):
    """QMessageBox.question answered Yes (a refusal must not depend on the answer), every question recorded."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def question(parent, title, text, *a, **k):
        seen.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return seen


@pytest.mark.parametrize("which, why", [
    ("project", "the project file"),
    ("bak", "beside the project"),
    ("video", "a video of the project"),
    ("parent", "the checkpoint being fine-tuned"),
    ("loaded", "the checkpoint loaded for the analyses"),
    ("ran", "analyses were made with"),
])
def test_refused_before_training_with_the_file_unchanged(qtbot, qapp, tmp_path, asked, which, why):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    files = guarded_project(tmp_path / "p")
    calls: list = []
    dlg = FinetuneDialog(files["project"], files["parent"], finetune_fn=lambda *a, **k: calls.append(a),
                         model_in_use=lambda: str(files["loaded"]))
    qtbot.addWidget(dlg)
    target = files[which]
    before = target.read_bytes()
    dlg.out.setText(str(target))
    dlg.start()
    assert not dlg.is_running() and dlg.worker is None and calls == [] and asked == []
    assert why in dlg.error and str(target) in dlg.error and "\n" not in dlg.error
    assert dlg.stage_label.text().startswith("Error:")
    assert target.read_bytes() == before


def test_a_folder_and_a_path_not_pt_are_refused(qtbot, qapp, tmp_path, asked):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    files = guarded_project(tmp_path / "p")
    dlg = FinetuneDialog(files["project"], files["parent"], finetune_fn=lambda *a, **k: None)
    qtbot.addWidget(dlg)
    dlg.out.setText(str(tmp_path))
    dlg.start()
    assert dlg.worker is None and "is a folder" in dlg.error
    dlg.out.setText(str(tmp_path / "new.zip"))
    dlg.start()
    assert dlg.worker is None and "not a .pt path" in dlg.error


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("ftoutgui"))


@pytest.fixture
def proj(built, tmp_path):
    return private_copy(built, tmp_path)


def test_an_existing_file_is_replaced_only_when_the_user_says_so_before_training(qtbot, qapp, tmp_path, proj,
                                                                                 monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from merstudio.gui.finetune_dialog import FinetuneDialog
    from merstudio.model import read_checkpoint_meta
    from merstudio.training.finetune import finetune

    path, ckpt = proj
    other = tmp_path / "other.pt"
    other.write_bytes(b"someone's earlier checkpoint")
    ran: list = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[tuple[str, int]] = []

    def question(parent, title, text, *a, **k):
        asked.append((text, len(ran)))
        return answers.pop(0)

    def recorded(*a, **k):
        ran.append(a)
        return finetune(*a, **k)

    monkeypatch.setattr(QMessageBox, "question", question)
    dlg = FinetuneDialog(path, ckpt, finetune_fn=recorded, extra={"cache_dir": tmp_path / "cache"})
    qtbot.addWidget(dlg)
    dlg.epochs.setValue(1)
    dlg.out.setText(str(other))
    dlg.start()  # answered No: nothing runs
    assert dlg.worker is None and ran == [] and asked == [(f"Replace {other}?", 0)]
    assert other.read_bytes() == b"someone's earlier checkpoint"
    dlg.start()  # Yes: asked before the training started
    assert asked[1] == (f"Replace {other}?", 0)
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=120_000)
    assert dlg.worker.outcome == "ok", dlg.error
    assert read_checkpoint_meta(other)["parent_sha256"]


def test_a_file_that_appears_during_the_training_is_not_replaced(qtbot, qapp, tmp_path, proj, asked):
    from merstudio.gui.finetune_dialog import FinetuneDialog
    from merstudio.training.finetune import finetune

    path, ckpt = proj
    late = tmp_path / "late.pt"

    def someone_writes_it_meanwhile(*a, loss_callback, **k):
        def cb(epoch, epochs, loss):
            late.write_bytes(b"written by someone else during the training")
            loss_callback(epoch, epochs, loss)

        return finetune(*a, loss_callback=cb, **k)

    dlg = FinetuneDialog(path, ckpt, finetune_fn=someone_writes_it_meanwhile, extra={"cache_dir": tmp_path / "c"})
    qtbot.addWidget(dlg)
    dlg.epochs.setValue(1)
    dlg.out.setText(str(late))
    dlg.start()
    assert asked == []  # nothing there to replace when it started
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=120_000)
    assert dlg.worker.outcome == "failed" and "appeared during the training" in dlg.error
    assert late.read_bytes() == b"written by someone else during the training"

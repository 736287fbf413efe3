"""The fine-tuning dialog's wrapped labels show paths and names as written: a folder named '<b>lab' is no markup."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def test_a_path_that_looks_like_markup_is_shown_as_written(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog, WrappedLabel

    project = tmp_path / "<b>lab</b>" / "p.merproj"
    dlg = FinetuneDialog(project, tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    labels = [w for w in dlg.findChildren(WrappedLabel) if "<b>lab</b>" in w.text()]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)

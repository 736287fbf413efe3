"""With no model loaded, the fine-tuning dialog said the next analyses use "the model each video was analysed with
before": of a video never analysed there is none, and the app then analyses it with no learned model (no class
confidence); the line says so."""

from __future__ import annotations

import types

import pytest

pytestmark = pytest.mark.gui


def test_no_model_in_use_names_what_a_never_analysed_video_gets(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    new = tmp_path / "starter-ft1.pt"
    dlg = FinetuneDialog(tmp_path / "p.merproj", tmp_path / "starter.pt", model_in_use=lambda: None)
    qtbot.addWidget(dlg)
    dlg.result = types.SimpleNamespace(checkpoint=new)
    dlg.show_model_in_use()
    text = dlg.use_label.text()
    assert text.startswith("⚠ starter-ft1.pt is not in use yet: the next analyses use the model each video was "
                           "analysed with before, and no learned model for a video never analysed"), text
    assert dlg.use_button.isEnabled()

"""The Fine-tune dialog has a Min events per class setting (`merstudio finetune --min-per-class`), and its refusal
for a rare class names it and the class-map way out (a105 finding 6: "class 'surprise' has 1 accepted event (need at
least 3)" left Start off with no way out in the app); with a class of no or few events it says so before Start."""

from __future__ import annotations

import pytest
from support.finetune_project import tiny_checkpoint

from merstudio.errors import InputError
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


def _project(folder):
    """Two placeholder videos, each with 3 negative and 3 positive events; one surprise event in all."""
    proj = Project.create(folder / "p.merproj")
    for k in range(2):
        clip = folder / f"take{k}.avi"
        clip.write_bytes(f"take {k} ".encode() * 40)
        v = proj.add_video(clip, 25.0, 400, 64, 48)
        proj.add_events([Event(v.id, 10 + 30 * j, 14 + 30 * j, 20 + 30 * j, emotion=e, coder="ann",
                               status="accepted") for j, e in enumerate(["negative", "positive"] * 3)])
        if k == 0:
            proj.add_events([Event(v.id, 300, 304, 310, emotion="surprise", coder="ann", status="accepted")])
    return proj


def test_min_events_per_class_lets_a_rare_class_train(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    ckpt = tiny_checkpoint(tmp_path / "tiny.pt")  # negative, positive, surprise, none
    proj = _project(tmp_path)
    calls = []

    def fake(*args, **kwargs):
        calls.append(kwargs)
        raise InputError("stopped by the test")

    try:
        dlg = FinetuneDialog(proj.path, ckpt, project=proj, finetune_fn=fake)
        qtbot.addWidget(dlg)
        assert dlg.min_per_class.value() == 3
        text = dlg.data_label.text()
        assert "class 'surprise' has 1 accepted event (need at least 3)" in text
        assert ("lower it (--min-per-class 1 / Min events per class) or leave it out (--classes "
                "negative,positive / Class map)") in text
        assert not dlg.start_button.isEnabled()

        dlg.min_per_class.setValue(1)
        assert dlg.start_button.isEnabled(), dlg.data_label.text()
        # said before Start: the class with few events, and the way to train it
        assert "classes with no or few events to train on: surprise (1 event)" in dlg.data_label.text()
        assert "Mix with" in dlg.data_label.text()

        dlg.out.setText(str(tmp_path / "new.pt"))
        dlg.start()
        qtbot.waitUntil(lambda: not dlg.is_running(), timeout=10000)
        assert calls and calls[0]["min_per_class"] == 1
    finally:
        proj.close()

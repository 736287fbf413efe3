"""Edit > Set coder stores the name in Unicode NFC, as events store theirs: a name pasted from a Mac's Finder
(decomposed, NFD) codes as the same coder as the one typed (h223)."""

from __future__ import annotations

import unicodedata

ZOE, ZOE_MAC = (unicodedata.normalize(f, "Zoë") for f in ("NFC", "NFD"))


def test_a_decomposed_coder_name_is_the_typed_one(window, video_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from merstudio.gui import commands as C

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.SetCoder, name=ZOE_MAC)
    assert win.coder == ZOE and win.project.coder == ZOE
    # the name asked for in the dialog, pasted decomposed with a space around it
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (f" {ZOE_MAC} ", True)))
    assert win.ctx.execute(C.SetCoder)
    assert win.coder == ZOE
    assert win.ctx.execute(C.NewEvent, onset=17, apex=30, offset=69, emotion="happiness", confirmed=True)
    assert {e.coder for e in win.project.events()} == {ZOE}
    assert ZOE_MAC not in win.project.coders() and ZOE in win.project.coders()

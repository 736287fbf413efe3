"""The coder the app remembered (QSettings) from before h223 in NFD is the typed coder once loaded (h231)."""

from __future__ import annotations

import unicodedata

import pytest

ZOE, ZOE_MAC = (unicodedata.normalize(f, "Zoë") for f in ("NFC", "NFD"))


@pytest.fixture
def qsettings(qsettings):
    qsettings.setValue("coder", ZOE_MAC)
    return qsettings


def test_the_remembered_coder_is_loaded_in_nfc(window, video_path) -> None:
    from merstudio.gui import commands as C

    win = window
    assert win.coder == ZOE
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.project.coder == ZOE
    assert win.ctx.execute(C.NewEvent, onset=17, apex=30, offset=69, emotion="happiness", confirmed=True)
    assert {e.coder for e in win.project.events()} == {ZOE}

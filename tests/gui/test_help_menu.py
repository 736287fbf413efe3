"""Help: F1 lists every key of the window, read from its menus (so it never drifts from what the keys do), with a
filter; About names the versions and the bundled files' licences. There was no Help menu: the key list appeared
only on the empty state, and a coder had to leave the app for docs/gui.md."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


def test_f1_lists_every_key_of_the_window_with_a_filter(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.keys_dialog is not None and window.keys_dialog.isVisible())
    dlg = window.keys_dialog
    shown = {(text, keys) for _, text, keys in dlg.rows}
    assert ("Mark onset", "I") in shown and ("Play / pause", "Space") in shown
    assert ("Keyboard shortcuts…", "F1") in shown
    # every key Qt dispatches in this window is in the list (the window's actions, as Qt holds them)
    native = QKeySequence.SequenceFormat.NativeText
    bound = {k.toString(native) for a in window.actions() for k in a.shortcuts() if not k.isEmpty()}
    listed = {k for _, _, keys in dlg.rows for k in keys.split(", ")}
    assert bound <= listed, sorted(bound - listed)
    menus = {menu for menu, _, _ in dlg.rows}
    assert {"Coding", "Playback", "View"} <= menus and not any("&" in m for m in menus)
    dlg.filter.setText("onset")
    rows = dlg.shown_rows()
    assert rows and all("onset" in " ".join(r).lower() for r in rows)
    assert ("Coding", "Mark onset", "I") in rows and len(rows) < len(dlg.rows)
    dlg.filter.clear()
    assert len(dlg.shown_rows()) == len(dlg.rows)
    dlg.close()


def test_about_names_versions_and_licences(qtbot, window):
    import torch

    import merstudio

    window.show_about()
    dlg = window.about_dialog
    qtbot.waitUntil(dlg.isVisible)
    text = dlg.text.text()
    assert f"merstudio {merstudio.__version__}" in text and torch.__version__ in text
    assert "Apache-2.0" in text and "MIT" in text and "nothing is downloaded" in text
    dlg.close()

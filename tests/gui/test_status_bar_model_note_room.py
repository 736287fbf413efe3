"""The status bar's model badge takes at most a third of the window: after a fine-tuning its whole note ("model
starter-ft1.pt — trained on …") took 1024 of 1400 px and the analysis' message read "Analysis complete, …". Where
the note does not fit its share, its short form shows and its tooltip holds the whole note."""

from __future__ import annotations

NOTE = ("model starter-ft1.pt — trained on synthetic faces (merstudio.synth) (384 samples, 4 classes), then "
        "fine-tuned on study.merproj: 18 accepted events by ann, ben, cat (held out: video clip3.avi, 6 samples)")
MESSAGE = "Analysis complete, 2 proposals: face 0: AU 4+12+25 present in over 90% of its frames"


def _show_note(win, text: str, short: str) -> None:
    """As ModelNote.update sets the badge."""
    badge = win.model_note.badge
    badge.short = badge.least = short
    badge.setText(text)
    badge.setToolTip("The model whose class confidences are drawn (Analysis > Model in use…)")
    badge.setVisible(True)


def test_a_long_model_note_leaves_the_message_its_room(qtbot, window):
    win, badge = window, window.model_note.badge
    win.resize(1400, 900)
    _show_note(win, NOTE, "model starter-ft1.pt")
    win.statusBar().showMessage(MESSAGE, 60_000)
    qtbot.waitUntil(lambda: badge.isVisible() and badge.width() > 20)
    qtbot.wait(50)
    assert badge.width() <= win.width() / 3 + 2
    assert NOTE in badge.toolTip() and badge.text() == NOTE
    # its short form whole, with no blank room beside it
    assert badge.fontMetrics().horizontalAdvance("model starter-ft1.pt") <= badge.width()
    assert badge.width() < 2 * badge.fontMetrics().horizontalAdvance("model starter-ft1.pt")
    left = min(w.geometry().left() for w in (badge, win.coder_label, win.device_label) if w.isVisible())
    assert win.statusBar().fontMetrics().horizontalAdvance(MESSAGE) < left  # the message is whole
    # a narrower window: still its third
    win.resize(900, 700)
    qtbot.waitUntil(lambda: badge.width() <= win.width() / 3 + 2)
    assert NOTE in badge.toolTip()


def test_a_short_model_note_shows_whole(qtbot, window):
    win, badge = window, window.model_note.badge
    win.resize(1400, 900)
    _show_note(win, "model starter.pt", "model starter.pt")
    qtbot.waitUntil(lambda: badge.isVisible() and badge.width() > 20)
    assert badge.fontMetrics().horizontalAdvance("model starter.pt") <= badge.width() <= win.width() / 3

"""Notes joined in the status line (StatusBar.add_message) that do not all fit (h270 item 1): at 1400 px two long
notes were cut, the rest readable on hover alone. Those that fit are drawn whole, then a link, "(+1 more)" (or
"(more)" after a last note cut short), right after the text and clear of the coder and device labels, opens every
note whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer

pytestmark = pytest.mark.gui

UPGRADED = ("Upgraded study.merproj from merstudio schema 7 to 8: the older merstudio can no longer open it; kept a "
            "copy as study (merstudio schema 7).merproj")
OLDER = ("smile_man.mp4: stored analysis made by an earlier merstudio (analysis revision 22, this version's 23): "
         "Analysis > Run analysis (Ctrl+R) makes it again")
FOUND = "Found b.avi and c.avi in /data/moved videos too; 1 still missing"


def _say(qtbot, window, notes, width):
    window.resize(width, 800)
    qtbot.waitUntil(lambda: window.width() == width, timeout=2000)
    bar = window.status_bar
    bar.showMessage(notes[-1], 15000)
    for note in reversed(notes[:-1]):  # each before the last: the order the notes came in, answers first
        bar.add_message(note, 15000, first=True)
    qtbot.wait(20)  # laid out again
    return bar


def _drawn_as_said(bar, notes) -> None:
    """What is drawn is the notes that fit, whole, then the link to all: "(+N more)" for the N left out; "(more)"
    after the last one cut short; the first one cut short only where even it does not fit."""
    shown, link, n = bar.shown_message(), bar.more.text(), len(notes)
    assert bar.more.isVisible(), shown
    if link == "(more)":
        assert shown.endswith("…") and "; ".join(notes).startswith(shown[:-1]), shown
        assert shown.startswith("; ".join(notes[:-1]) + "; "), shown  # every note but the end of the last one
    else:
        assert link.startswith("(+") and link.endswith(" more)"), link
        k = n - int(link[2:-6])
        assert shown == "; ".join(notes[:k]) or (k == 1 and shown.endswith("…") and notes[0].startswith(shown[:-1])), \
            (shown, link)


def _clear_of_text_and_labels(window, bar) -> None:
    more = bar.more.geometry()
    assert more.left() >= bar.fontMetrics().horizontalAdvance(bar.shown_message()), more  # after the text drawn
    labels = [w for w in (window.coder_label, window.device_label) if w.isVisible()]
    assert labels and all(more.right() < w.geometry().left() for w in labels), more  # not under the coder's label
    assert 0 <= more.top() and more.bottom() <= bar.height()


@pytest.mark.parametrize("width", [1400, 1024])
def test_two_long_notes_show_what_fits_and_a_link_to_both(qtbot, window, width):
    notes = [UPGRADED, OLDER]
    bar = _say(qtbot, window, notes, width)
    assert UPGRADED in bar.shown_message() or width < 1400, bar.shown_message()  # 1400 px: the first note whole
    _drawn_as_said(bar, notes)
    _clear_of_text_and_labels(window, bar)
    assert "status notes" in bar.more.accessibleName()
    qtbot.mouseClick(bar.more, Qt.MouseButton.LeftButton)
    popup = bar._popup
    assert popup is not None and popup.isVisible()
    assert popup.label.text() == f"{UPGRADED}\n\n{OLDER}"  # every note, whole, one paragraph each
    assert popup.label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse  # a path: copied
    popup.close()


def test_a_third_note_left_out_is_counted(qtbot, window):
    notes = [FOUND, UPGRADED, OLDER]
    bar = _say(qtbot, window, notes, 1024)
    _drawn_as_said(bar, notes)
    assert bar.more.text() != "(more)"  # at 1024 px the third is not drawn at all: counted
    bar.more.click()
    assert bar._popup.label.text() == "\n\n".join(notes)
    bar._popup.close()


def test_at_a_big_font_the_link_still_shows(qtbot, window, app_pt):
    app_pt(18.0)  # a coder's enlarged font (as at 200 %): room for little of the first note
    notes = [UPGRADED, OLDER]
    bar = _say(qtbot, window, notes, 1024)
    _drawn_as_said(bar, notes)
    _clear_of_text_and_labels(window, bar)


def test_no_link_where_all_fits_and_none_once_the_message_goes(qtbot, window):
    short = ["Saved", "2 videos found"]
    bar = _say(qtbot, window, short, 1400)
    assert bar.shown_message() == "Saved; 2 videos found" and not bar.more.isVisible()
    bar = _say(qtbot, window, [UPGRADED, OLDER], 1400)
    assert bar.more.isVisible()
    for t in bar.findChildren(QTimer):  # its 15 s are up
        if t.isActive():
            t.timeout.emit()
    assert bar.currentMessage() == "" and not bar.more.isVisible()
    bar.showMessage(UPGRADED + " " + OLDER, 15000)  # one line too long: "…", whole on hover, as before
    assert bar.shown_message().endswith("…") and not bar.more.isVisible()

"""Text from files and users shown as it is written: a coder's name, an emotion label, a note, a file or tier name
is never markup. Qt takes a tooltip (and a label or message box left at its automatic format) for rich text when
its first line looks like HTML (``Qt.mightBeRichText``): an imported emotion ``<b>x</b><img src=…>`` lost its tags
and fetched a file, a coder ``<a href=…>bob</a>`` became a link, and a label ending in ``<!--`` hid the rest of the
tooltip. A menu item's, tab's or button's text is not markup but marks its Alt letter with ``&``: ``menu_text``.
"""

from __future__ import annotations

import html

from PySide6.QtGui import Qt  # QtGui's Qt namespace holds mightBeRichText


def escaped(text: str) -> str:
    """``text`` for a place that is rich text anyway (a label with bold headings): its characters, never its tags."""
    return html.escape(str(text), quote=False)


def literal_tip(text: str) -> str:
    """``text`` as a tooltip that shows it character for character, lines kept. Unchanged where Qt would show it
    as plain text anyway (most text: the tooltip is then what it was)."""
    text = str(text)
    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre'>{escaped(text)}</p>"


def menu_text(text: str) -> str:
    """``text`` (a coder's, video's or overlay's name, a project's path) as the text of a menu item, tab or button,
    shown as written: Qt reads a lone ``&`` there as the mark of the item's Alt letter (a coder "R&D" showed as "RD",
    D underlined; "/data/A&B/study.merproj" lost its &) and ``&&`` as one ``&``. Such an item has no Alt letter."""
    return str(text).replace("&", "&&")

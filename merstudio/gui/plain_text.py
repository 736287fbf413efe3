"""Text from files and users shown as it is written: a coder's name, an emotion label, a note, a file or tier name
is never markup. Qt takes a tooltip (and a label or message box left at its automatic format) for rich text when
its first line looks like HTML (``Qt.mightBeRichText``): an imported emotion ``<b>x</b><img src=…>`` lost its tags
and fetched a file, a coder ``<a href=…>bob</a>`` became a link, and a label ending in ``<!--`` hid the rest of the
tooltip."""

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

"""train's and evaluate's confusion.png says ``Software: merstudio X`` in its text chunks (it said "Matplotlib
version…" only: a figure pasted into a paper could not be traced back); the same matrix gives the same bytes."""

from __future__ import annotations

import io

from PIL import Image

from merstudio import __version__
from merstudio.training.metrics import confusion_image


def test_confusion_png_names_merstudio_and_is_byte_identical_on_a_redraw() -> None:
    one = confusion_image([[3, 1], [0, 4]], ["neg", "pos"], title="pooled")
    assert one == confusion_image([[3, 1], [0, 4]], ["neg", "pos"], title="pooled")
    with Image.open(io.BytesIO(one)) as im:
        im.load()
        assert im.text.get("Software") == f"merstudio {__version__}"

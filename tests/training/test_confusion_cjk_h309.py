"""The training confusion matrix (confusion.png) draws with the plots' one style (mpl_config.drawing: CJK fonts as
fallbacks where installed) and says, once, which characters of its class names no font has, as `analyze --plot`
does (h309): a lab's own classes named in Chinese or Japanese were boxes with no word. This machine has no CJK font:
STIXGeneral (matplotlib's own, which has glyphs DejaVu Sans lacks) stands in for one (as in h304's tests)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from merstudio import mpl_config
from merstudio.training.metrics import confusion_image, save_confusion_png

SCRIPT_G = "\u210a"  # SCRIPT SMALL G: in STIXGeneral, not in DejaVu Sans
CM = np.array([[3, 1], [0, 4]])


def _drawn(names: list[str]) -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        image = confusion_image(CM, names, "t")
    return image, [str(w.message) for w in seen]


def test_a_class_name_is_drawn_from_the_fallback_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", (), raising=False)
    boxes, said = _drawn(["happy", f"a{SCRIPT_G}"])
    # no font has it: matplotlib's own warning a draw is left out, one line of ours names the file and the character
    ours = [s for s in said if "drawn as boxes" in s]
    assert len(ours) == 1 and "confusion.png" in ours[0] and f"({SCRIPT_G})" in ours[0], said
    assert not [s for s in said if "missing from" in s], said
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", ("STIXGeneral",), raising=False)
    drawn, said = _drawn(["happy", f"a{SCRIPT_G}"])
    assert drawn != boxes  # the glyph, not a box
    assert not [s for s in said if "drawn as boxes" in s or "missing from" in s], said


def test_the_png_written_names_its_path_in_the_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", (), raising=False)
    with pytest.warns(UserWarning, match="drawn as boxes") as seen:
        png = save_confusion_png(CM, ["happy", f"a{SCRIPT_G}"], tmp_path / "cm.png")
    assert png.stat().st_size > 0
    assert any(str(tmp_path / "cm.png") in str(w.message) for w in seen)


def test_plain_class_names_warn_nothing() -> None:
    _, said = _drawn(["happy", "surprise"])
    assert said == []

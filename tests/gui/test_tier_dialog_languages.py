"""Map ELAN tiers for coders who do not write English: a tier named "Émotion", "Emoción", "Gefühl" or "情绪", or
whose values are basic emotions in German, French, Spanish or Chinese (Freude, colère, alegría, 高兴), starts
ticked as an emotion tier; an "Apex" tier (or a "Phase" tier of onset / apex / offset parts) is offered as the
coder's apex ("apex" kind), one per coder ticked."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.elan_files import tier_values_eaf

from merstudio.interchange import read_eaf

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("name", ["Émotion", "Emoción", "emozione", "Gefühl", "Emoção", "情绪", "情感"])
def test_a_tier_named_emotion_in_another_language_is_ticked_as_emotion(window, tmp_path: Path, name: str) -> None:
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    # three tiers: not the "one or two tiers, tick them all" rule
    info = foreign_tiers(tier_values_eaf(tmp_path / "f.eaf", {name: ("x1",), "gaze": ("left",), "words": ("so",)},
                                         author="zoe"))
    dlg = TierMapDialog(info, "f.eaf", parent=window)
    assert dlg.row(name) == (True, "zoe", "emotion")
    assert not dlg.row("gaze")[0] and not dlg.row("words")[0]
    dlg.deleteLater()


@pytest.mark.parametrize("values", [("Freude", "Ärger"), ("joie", "colère", "dégoût"), ("alegría", "tristeza"),
                                    ("高兴", "厌恶"), ("Überraschung", "Ekel")])
def test_emotion_values_in_another_language_tick_the_tier(window, tmp_path: Path, values: tuple[str, ...]) -> None:
    from merstudio.gui.tier_dialog import TierMapDialog, looks_coded
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(tier_values_eaf(tmp_path / "v.eaf", {"Labels": values, "gaze": ("left",), "words": ("so",)},
                                         author="zoe"))
    (labels,) = [t for t in info.tiers if t.tier == "Labels"]
    assert looks_coded(labels)
    dlg = TierMapDialog(info, "v.eaf", parent=window)
    assert dlg.row("Labels")[0]
    dlg.deleteLater()


def test_the_facs_layout_maps_emotion_aus_and_apex(window, tmp_path: Path) -> None:
    """The auditor's layout (a46 elan6_facs.eaf, screenshot dlg0): AU and Émotion children of Ausdruck, Phase and
    Apex tiers. Émotion starts ticked as emotion, AU as AUs, Apex as the apex (Phase, a second apex tier of the
    same coder, unticked); the mapping reads the coder's apex frame 20 (667 ms at 30 fps)."""
    from support.elan_facs_apex import facs_apex_eaf

    from merstudio.gui.tier_dialog import ROLE_LABELS, TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    path = facs_apex_eaf(tmp_path / "elan6_facs.eaf")
    assert "apex" in ROLE_LABELS
    dlg = TierMapDialog(foreign_tiers(path), path.name, parent=window)
    assert dlg.row("Émotion") == (True, "Zoë Müller", "emotion")
    assert dlg.row("AU") == (True, "Zoë Müller", "aus")
    assert dlg.row("Apex") == (True, "Zoë Müller", "apex")
    assert not dlg.row("Phase")[0] and dlg.row("Phase")[2] == "apex"
    assert not dlg.row("Ausdruck")[0]
    coders, roles = dlg.mapping()
    prev = read_eaf(path, fps=30.0, tier_coders=coders, tier_roles=roles)
    assert sorted((e.onset, e.apex, e.offset, e.emotion) for e in prev.events) == [(3, 6, 9, "Ärger"),
                                                                                   (17, 20, 71, "Freude")]
    dlg.deleteLater()

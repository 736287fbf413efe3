"""h306: the ELAN tier dialog compares coders and participants as names compare everywhere (names.fold_name:
'İlker' is 'ilker'), not by str.casefold, which kept İ's dot (i + U+0307)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from merstudio.gui.tier_dialog import coder_clashes, prefill, remembered_face


def _tier(name: str, annotator: str = "", role: str = "", participant: str = "") -> Any:
    return SimpleNamespace(tier=name, annotator=annotator, guessed_role=role, samples=("happiness",), aligned=True,
                           times_from="", face=0, participant=participant)


def _info(*tiers: Any, author: str = "") -> Any:
    return SimpleNamespace(tiers=list(tiers), author=author, has_own=False, participants=())


def test_a_remembered_face_is_for_the_participant_in_any_case() -> None:
    remembered = {"AU": {"coder": "zoe", "role": "aus", "face": 2, "participant": "İlker"}}
    assert remembered_face(_tier("AU", participant="ilker"), remembered) == 2


def test_the_same_coder_in_another_case_is_no_clash_and_keeps_the_remembered_coder() -> None:
    info = _info(_tier("Emotion", annotator="ilker"))
    # the file named İlker when the user renamed the coder: the same person's file again, renamed again
    assert prefill(info, {"Emotion": {"coder": "Ilker Y.", "role": "emotion", "named": "İlker"}})["Emotion"][1] \
        == "Ilker Y."
    # the file names the remembered coder in another case: nothing to say in the dialog's note
    assert coder_clashes(info, {"Emotion": {"coder": "İlker", "role": "emotion", "named": "Dana"}}) == []


def test_one_apex_tier_per_coder_in_any_case() -> None:
    info = _info(_tier("Apex", annotator="İlker", role="apex"), _tier("Phase apex", annotator="ilker", role="apex"))
    ticked = [t for t, (on, _, _) in prefill(info).items() if on]
    assert ticked == ["Apex"]

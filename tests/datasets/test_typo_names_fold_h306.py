"""h306: a likely typo is judged between class names as classes compare (model.columns.class_key, folding with
names.fold_name), not by str.lower, and the rare classes are listed as people read names (names.name_sort_key)."""

from __future__ import annotations

import unicodedata

from merstudio.datasets.classes import likely_typo, rare_classes_note


def test_a_spelling_of_the_same_class_is_no_typo() -> None:
    # lower() kept the dot of 'İ' (i + U+0307): 'iğrenme' was called a typo of its own class
    assert likely_typo("iğrenme", ["İğrenme"]) is None


def test_a_decomposed_typo_is_found() -> None:
    typed_on_a_mac = unicodedata.normalize("NFD", "Überaschung")  # one 'r' short
    assert likely_typo(typed_on_a_mac, ["überraschung", "Freude"]) == "überraschung"


def test_rare_classes_listed_as_read() -> None:
    note = rare_classes_note(["happiness"] * 100 + ["Zorn", "ärger", "Freude"])
    assert note.index("'ärger'") < note.index("'Freude'") < note.index("'Zorn'")

"""h303: class names and emotion labels compare by merstudio.names.fold_name's letters: a Turkish 'İğrenme' is the
class 'iğrenme', a Mac's decomposed 'Überraschung' the typed one (the combining marks split the word before)."""

from __future__ import annotations

import unicodedata

from merstudio.model.columns import class_key, class_name


def test_turkish_and_decomposed_labels_are_one_class() -> None:
    assert class_key("İğrenme") == class_key("iğrenme") == "iğrenme"
    assert class_key("Irkılma") == class_key("ırkılma")
    assert class_key(unicodedata.normalize("NFD", "Überraschung")) == class_key("überraschung") == "überraschung"
    # the rules before still hold: spacing, punctuation and '_' ignored, aliases one class
    assert class_key("Class I") == class_key("class_i") == "class i"
    assert class_key("Other") == "others"


def test_an_older_column_finds_its_turkish_class() -> None:
    assert class_name("p_İĞRENME", ["iğrenme", "mutluluk"]) == "iğrenme"

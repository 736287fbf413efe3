"""h303: one rule compares names and labels with letter case ignored (merstudio.names.fold_name: Turkish dotted and
dotless i, NFKC, casefold) and one key sorts them as people read them (name_sort_key: case and accents ignored,
numbers by value, never the machine's locale)."""

from __future__ import annotations

import unicodedata

from merstudio.names import fold_name, name_sort_key


def test_turkish_i_mac_decomposed_and_full_width_names_fold_to_one() -> None:
    assert fold_name("İğrenme") == fold_name("iğrenme") == fold_name("İĞRENME")
    assert fold_name("Irkılma") == fold_name("ırkılma") == fold_name("IRKILMA")
    assert fold_name("İlker") == "ilker"
    assert fold_name(unicodedata.normalize("NFD", "Überraschung")) == fold_name("überraschung")
    assert fold_name("Straße") == fold_name("STRASSE")
    assert fold_name("ｊｏｙ") == "joy"
    assert fold_name("Freude") != fold_name("Ärger")  # folding case is not folding accents


def test_names_sort_as_read_case_and_accents_ignored_numbers_by_value() -> None:
    names = ["Bob", "Zoë", "alice", "Änne", "coder10", "coder2", "Øystein", "Pia", "王芳"]
    assert sorted(names, key=name_sort_key) == ["alice", "Änne", "Bob", "coder2", "coder10", "Øystein", "Pia",
                                               "Zoë", "王芳"]
    assert sorted(["Überraschung", "Freude", "ärger", "Angst"], key=name_sort_key) == [
        "Angst", "ärger", "Freude", "Überraschung"]
    # names equal when folded still have one order, whatever order they came in
    assert sorted(["ann", "Ann", "änn"], key=name_sort_key) == sorted(["änn", "ann", "Ann"], key=name_sort_key)
    assert name_sort_key("x") != name_sort_key("X")

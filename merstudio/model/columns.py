"""Per-frame table columns of a model's outputs. Torch-free: the analysis and the app name these columns without
loading the network."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from merstudio.names import fold_name

# The class of "no micro-expression": fine-tuning adds it from a project's uncoded windows, and a proposal is not
# labelled with a class that scores below it.
NONE_CLASS = "none"


# names that are one class whatever the dataset calls it (their class_key: the key of the class they stand for):
# SAMM's 5 classes say 'other' where CASME II, CAS(ME)^3 and the FACS objective class VII say 'others'
CLASS_ALIASES = {"other": "others"}


def class_key(name: str) -> str:
    """How class names and emotion labels compare, the one rule of the colours, the Event dialog's choices and
    fine-tuning's match of events to classes: case, spacing, punctuation and '_' ignored ('Class I', 'class i' and
    the column tail 'class_i' that merstudio wrote before 2026-12-07 are one class), CLASS_ALIASES one class
    (SAMM's 'Other' is 'others'), letters as merstudio.names.fold_name compares them (Turkish 'İğrenme' is
    'iğrenme', a Mac's decomposed 'Überraschung' the typed one). Displayed names keep the lab's own spelling; only
    comparisons use this."""
    # folded first: a decomposed letter's accent (U+0308) or 'İ''s dot (U+0307) is not \w, and would split the word
    key = " ".join(re.sub(r"[\W_]+", " ", fold_name(str(name))).split())
    return CLASS_ALIASES.get(key, key)


def class_column(name: str) -> str:
    """Per-frame table column of a class probability: p_<class>, the class's own name (runs of white space one
    space), so that the column's tail is the name (class_name): a legend, a readout or a reopened project's
    choices spell 'class i' as the checkpoint does. Columns written before 2026-12-07 turned runs of non-word
    characters into '_' (p_class_i); class_name maps those back to a known class."""
    return "p_" + " ".join(str(name).split())


def class_name(col: str, names: Iterable[str] = ()) -> str:
    """The class a ``p_<class>`` column (or a bare name) stands for: the one of ``names`` (the model's classes,
    where known) it is the column of, or compares equal to by class_key (an older column, p_class_i for
    'class i'); else the column's tail."""
    tail = col[2:] if col.startswith("p_") else col
    known = [str(n) for n in names]
    for n in known:
        if class_column(n) == col or n == tail:
            return n
    key = class_key(tail)
    return next((n for n in known if class_key(n) == key), tail)


def au_column(au: int) -> str:
    """Per-frame table column of a learned AU probability: AU01_p."""
    return f"AU{int(au):02d}_p"


def prediction_columns(class_names: Sequence[str], aus: Sequence[int]) -> list[str]:
    return [class_column(c) for c in class_names] + [au_column(a) for a in aus]

"""Per-frame table columns of a model's outputs. Torch-free: the analysis and the app name these columns without
loading the network."""

from __future__ import annotations

import re
from collections.abc import Sequence

# The class of "no micro-expression": fine-tuning adds it from a project's uncoded windows, and a proposal is not
# labelled with a class that scores below it.
NONE_CLASS = "none"


def class_column(name: str) -> str:
    """Per-frame table column of a class probability: p_<class> (runs of non-word characters become '_')."""
    return "p_" + re.sub(r"\W+", "_", str(name).strip()).strip("_")


def au_column(au: int) -> str:
    """Per-frame table column of a learned AU probability: AU01_p."""
    return f"AU{int(au):02d}_p"


def prediction_columns(class_names: Sequence[str], aus: Sequence[int]) -> list[str]:
    return [class_column(c) for c in class_names] + [au_column(a) for a in aus]

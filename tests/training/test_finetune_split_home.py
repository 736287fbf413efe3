"""The events and held-out split of fine-tuning live in training.finetune_split; their names stay importable from
training.finetune (the CLI, the dialog and older code import them there) as the very same objects."""

from __future__ import annotations

import merstudio.training.finetune as F
import merstudio.training.finetune_split as S


def test_split_names_are_reexported_not_copied() -> None:
    assert all(hasattr(F, name) for name in F.__all__)
    moved = [name for name in F.__all__ if hasattr(S, name)]
    assert {"Item", "collect_events", "split_holdout", "locked_split", "SPLIT_SETTING", "none_windows"} <= set(moved)
    assert all(getattr(F, name) is getattr(S, name) for name in moved)

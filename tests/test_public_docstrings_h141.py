"""The README's names have help() text: TrainSettings (a dataclass's docstring was its bare signature),
load_predictions and the project's export_* functions (four had none), each saying what it returns."""

from __future__ import annotations

import inspect

import pytest

import merstudio.project.export as export
from merstudio.training import TrainSettings, load_predictions

EXPORTS = sorted(n for n, f in vars(export).items() if n.startswith("export_") and inspect.isfunction(f))


def test_train_settings_says_what_it_holds() -> None:
    doc = TrainSettings.__doc__ or ""
    assert not doc.startswith("TrainSettings(")  # the signature dataclasses write where there is no docstring
    assert all(word in doc for word in ("epochs", "seed", "num_threads", "to_dict"))


@pytest.mark.parametrize("name", ["load_predictions", *EXPORTS])
def test_each_says_what_it_returns(name: str) -> None:
    fn = load_predictions if name == "load_predictions" else getattr(export, name)
    doc = inspect.getdoc(fn) or ""
    assert "Returns" in doc or "returns" in doc.lower(), name
    assert all(f"``{p}``" in doc or f"`{p}`" in doc for p in ("path",) if p in inspect.signature(fn).parameters)


def test_the_export_functions_were_found() -> None:
    assert {"export_events_csv", "export_events_xlsx", "export_labelled_set", "export_summary"} <= set(EXPORTS)

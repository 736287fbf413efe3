"""load_arrays is called from notebooks as well as by `merstudio train`: a refused value is named by the argument a
caller passed and by the CLI's flag ("(steps= / --steps)"), not by the flag alone."""

from __future__ import annotations

import pytest

from merstudio.errors import InputError
from merstudio.training.data import load_arrays


def _quiet(*a, **k):
    return None


def test_steps_below_one_name_the_argument(tmp_path, flow_table):
    with pytest.raises(InputError) as exc:
        load_arrays(str(flow_table(tmp_path / "flows")), steps=0, log=_quiet)
    assert str(exc.value) == "steps must be at least 1, got 0 (steps= / --steps)"


def test_an_unknown_input_names_the_argument(tmp_path, flow_table):
    with pytest.raises(InputError) as exc:
        load_arrays(str(flow_table(tmp_path / "flows")), input_kind="rgb", log=_quiet, cache_dir=tmp_path / "c")
    assert str(exc.value) == "input 'rgb': expected flow, grey or flow+grey (input_kind= / --input)"


def test_flow_images_as_grey_name_the_argument(tmp_path, flow_table):
    with pytest.raises(InputError) as exc:
        load_arrays(str(flow_table(tmp_path / "flows")), input_kind="grey", log=_quiet, cache_dir=tmp_path / "c")
    msg = str(exc.value)
    assert msg.endswith(": precomputed flow images give a flow input only, not grey (input_kind= / --input)"), msg


def test_the_framing_advice_names_the_argument(tmp_path, flow_table):
    said: list[str] = []
    load_arrays(str(flow_table(tmp_path / "flows")), log=said.append, cache_dir=tmp_path / "c")
    advice = [s for s in said if "--framing" in s]
    assert advice and all("framing='megc2019' / --framing megc2019" in s for s in advice), said

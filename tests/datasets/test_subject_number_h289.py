"""subject_number reads a subject only as the datasets spell it (h289, h278): the last digits of any text were taken
for one (a SAMM footnote "* ... Davison et al. 2018" was subject 2018)."""

from __future__ import annotations

import pytest

from merstudio.datasets.parse import subject_number
from merstudio.errors import InputError


@pytest.mark.parametrize(("cell", "n"), [
    (6, 6), ("006", 6), ("04", 4), (4.0, 4), ("4.0", 4), ("sub04", 4), ("SUB04", 4), ("sub-04", 4), ("sub_04", 4),
    ("Subject 4", 4), ("s4", 4), ("S04", 4), ("spNO.1", 1), ("spno.12", 12), (" sub01 ", 1),
])
def test_subject_spellings_of_the_datasets(cell: object, n: int) -> None:
    assert subject_number(cell) == n


@pytest.mark.parametrize("cell", [
    "* Objective classes as in Davison et al. 2018", "Notes: see row 12", "EP02_01f", "006_1_2", "4.5", "-3",
    "4+7", "ep15", "x1", "sub", "s",
])
def test_other_text_holds_no_subject(cell: str) -> None:
    with pytest.raises(InputError) as ei:
        subject_number(cell, "SAMM_Micro_FACS_Codes_v2.xlsx row 175")
    msg = str(ei.value)
    assert msg.startswith("SAMM_Micro_FACS_Codes_v2.xlsx row 175: subject ") and "has no number" in msg
    assert "\n" not in msg and "sub06" in msg  # says how a subject is written


def test_glob_to_re_is_public() -> None:  # one name, the loaders' too (they imported the private _glob_to_re)
    import re

    from merstudio.datasets import loaders, parse
    from merstudio.datasets.parse import glob_to_re

    assert loaders.glob_to_re is glob_to_re and not hasattr(parse, "_glob_to_re")  # one name

    assert re.fullmatch(glob_to_re("cas(me)*.xlsx"), "cas(me)3_part_A_ME_label_JpgIndex_v2.xlsx")
    assert not re.fullmatch(glob_to_re("CASME2-RAW?"), "CASME2-RAW")

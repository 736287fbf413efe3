"""An annotation file of no known ending is refused naming every ending merstudio reads and writes (the line left
out the BORIS project, .boris / .boris.gz, and .txt)."""

from __future__ import annotations

import pytest

from merstudio.errors import InputError
from merstudio.interchange import detect_format


@pytest.mark.parametrize("name", ["coding.doc", "coding"])
def test_the_refusal_names_every_ending(tmp_path, name):
    with pytest.raises(InputError) as err:
        detect_format(tmp_path / name, look_inside=False)
    for ending in (".eaf", ".boris", ".boris.gz", ".tsv", ".txt", ".csv", ".xlsx"):
        assert ending in str(err.value)
    for ending in (".boris", ".boris.gz", ".txt", ".eaf"):  # each is read, as the line says
        assert detect_format(tmp_path / f"coding{ending}", look_inside=False)

"""A coder's note comes back as written from every format: tabs, and leading and trailing spaces (ELAN's meta
annotation and the BORIS comment columns trimmed its end before)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ix_helpers import sample_events

from merstudio.interchange import read_events, write_events

NOTE = "tab\there  trailing  "


@pytest.mark.parametrize("name", ["n.eaf", "n.tsv", "n.boris.csv", "n.xlsx", "n.events.csv"])
def test_notes_keep_their_spaces(tmp_path, media, name):
    evs = [replace(sample_events()[0], note=NOTE), replace(sample_events()[3], note="  leading")]
    back = read_events(write_events(evs, tmp_path / name, media), fps=30.0,
                       fmt="boris-csv" if name.endswith(".boris.csv") else None).events
    assert sorted(e.note for e in back) == sorted(["  leading", NOTE])

"""h303: the report compares emotion labels as names compare (Turkish İğrenme/iğrenme, Irkılma/ırkılma agree), lists
its coders as people read them (alice, Änne, Bob, Zoë, not by code point), and lines its terminal tables up with
CJK names (two columns wide on a terminal)."""

from __future__ import annotations

import unicodedata

from merstudio.agreement import agreement_from_events
from merstudio.project import Event

TURKISH = [("İğrenme", "iğrenme"), ("Irkılma", "ırkılma"), ("Disgust", "disgust")]


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "FW" else 0 if unicodedata.combining(c) else 1
               for c in line)


def test_labels_differing_in_turkish_case_agree() -> None:
    evs = []
    for k, (a, b) in enumerate(TURKISH):
        evs += [Event(1, 40 * k + 10, 40 * k + 12, 40 * k + 15, emotion=a, aus="10", coder="ayşe"),
                Event(1, 40 * k + 10, 40 * k + 12, 40 * k + 15, emotion=b, aus="10", coder="İlker")]
    pair = agreement_from_events(evs, frame_counts={1: 200}).pairs.iloc[0]
    assert (pair["matched"], pair["agreement_emotion"], pair["kappa_emotion"]) == (3, 1.0, 1.0)


def test_coders_are_listed_as_people_read_them() -> None:
    evs = [Event(1, 10, 12, 15, emotion="joy", coder=c) for c in ("Bob", "Zoë", "alice", "Änne")]
    rep = agreement_from_events(evs, frame_counts={1: 60})
    assert rep.coders == ["alice", "Änne", "Bob", "Zoë"]
    assert rep.header().startswith("Agreement of alice, Änne, Bob, Zoë ")
    # a coder who coded the video and found nothing is placed among them, not after them
    rec = agreement_from_events(evs[:2], coded={1: ["alice", "Bob", "Zoë"]}, frame_counts={1: 60})
    assert rec.coders == ["alice", "Bob", "Zoë"]


def test_terminal_tables_line_up_with_cjk_names() -> None:
    evs = [Event(1, 10, 12, 15, emotion="joy", aus="12", coder=c) for c in ("Zoë", "王芳", "İlker")]
    text = agreement_from_events(evs, frame_counts={1: 60}).summary()
    lines = text.splitlines()
    for title in ("Event matching", "Cohen's kappa"):
        start = next(k for k, line in enumerate(lines) if line.startswith(title)) + 1
        table = lines[start:lines.index("", start)]
        assert len(table) >= 2 and "王芳" in "".join(table)
        # right-aligned columns: every row of a table as wide on the terminal as its header
        assert {_width(line) for line in table} == {_width(table[0])}, table


def test_the_kappa_table_lists_pairs_in_the_reports_order() -> None:
    """a113: its columns came from pivot, in code-point order ('Bob / Zoë' first), unlike the rest of the report."""
    evs = [Event(1, 10, 12, 15, emotion="joy", coder=c) for c in ("Bob", "Zoë", "Änne")]
    lines = agreement_from_events(evs, frame_counts={1: 60}).summary().splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("Cohen's kappa")) + 1
    header = lines[start]
    assert header.index("Änne / Bob") < header.index("Änne / Zoë") < header.index("Bob / Zoë"), header

"""BORIS entries paired into events (pair_boris_events): the same pairs and apexes as the quadratic rule it
replaced (every state scanned for every apex), on random input, with work that grows as n log n: a project of
20,000 events took 36 s to import with the scan."""

from __future__ import annotations

import random
from typing import Any

import pytest

from merstudio.interchange.boris import BorisEntry, _is_apex, pair_boris_events


def reference_pairs(entries: list[BorisEntry]) -> tuple[list[list[Any]], list[str], list[str]]:
    """The rule as merstudio had it (2026-12-05): pair states alternately per subject, code and modifier in time
    order; each apex, in time order, goes to the earliest-starting state of its subject that contains it and has no
    apex yet, preferring one whose behaviour the apex's comment names."""
    states: list[list[Any]] = []
    apexes: list[BorisEntry] = []
    open_: dict[tuple[str, str, str], BorisEntry] = {}
    left_out = []
    for e in sorted(entries, key=lambda e: e.time):
        if e.kind != "state":
            if _is_apex(e.code):
                apexes.append(e)
            else:
                states.append([e.subject, e.code, e.modifier, "POINT", e.time, e.time, None, e.comment, "",
                               e.frame, e.frame, None])
            continue
        key = (e.subject, e.code, e.modifier)
        start = open_.pop(key, None)
        if start is None:
            open_[key] = e
        else:
            states.append([e.subject, e.code, e.modifier, "STATE", start.time, e.time, None, start.comment,
                           e.comment, start.frame, e.frame, None])
    never = sorted(f"{e.code} {e.subject} {e.time:.3f}" for e in open_.values())
    for a in apexes:
        inside = [s for s in states if s[0] == a.subject and s[3] == "STATE" and s[4] <= a.time <= s[5]
                  and s[6] is None]
        inside.sort(key=lambda s: (s[1] != a.comment, s[4]))
        if not inside:
            left_out.append(f"{a.time:.3f}")
            continue
        inside[0][6], inside[0][11] = a.time, a.frame
    rows = [[subj, code, mod.replace(",", "|"), btype, t0, t1, "" if apex is None else apex, c0, c1,
             *["" if i is None else i for i in (i0, i1, ia)]]
            for subj, code, mod, btype, t0, t1, apex, c0, c1, i0, i1, ia in states]
    return rows, never, left_out


def random_entries(rng: random.Random, n: int) -> list[BorisEntry]:
    """States, points and apexes on a coarse time grid (many ties, nesting, touching states, apexes on a state's
    very start and stop, comments naming a behaviour or not)."""
    subjects, codes, mods = ["", "face 0", "face 1"], ["happiness", "surprise", "anger"], ["", "AU12", "AU4,AU7"]
    out = []
    for _ in range(n):
        t = rng.randrange(0, 60) / 10
        r = rng.random()
        subj = rng.choice(subjects)
        if r < 0.55:
            out.append(BorisEntry(t, subj, rng.choice(codes), rng.choice(mods), "", "state", rng.randrange(0, 90)))
        elif r < 0.9:
            out.append(BorisEntry(t, subj, rng.choice(["apex", "apex (merstudio)"]), "",
                                  rng.choice(codes + ["", "other"]), "point", rng.choice([None, 5, 17])))
        else:
            out.append(BorisEntry(t, subj, "blink", "", "x", "point", None))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_the_same_pairs_and_apexes_as_the_scan_on_random_input(seed):
    rng = random.Random(seed)
    entries = random_entries(rng, rng.choice([5, 20, 60, 200]))
    skipped, notes = [], []
    got = pair_boris_events(entries, "f", skipped, notes, indices=True)
    want, never, left_out = reference_pairs(entries)
    assert got == want
    assert len(skipped) == len(never)
    assert sum("apex at" in n for n in notes) == len(left_out)
    assert [n.split("apex at ")[1].split(" s")[0] for n in notes if "apex at" in n] == left_out


def test_an_apex_takes_the_state_its_comment_names_then_the_earliest():
    """Worked by hand: happiness 1-5 s and surprise 2-6 s of one face; an apex at 3 s naming surprise goes to
    surprise, the next at 4 s naming nothing to happiness (earliest start), a third at 4.5 s to neither (both taken),
    and one of another face to none."""
    e = [BorisEntry(1.0, "f", "happiness", "", "", "state"), BorisEntry(5.0, "f", "happiness", "", "", "state"),
         BorisEntry(2.0, "f", "surprise", "", "", "state"), BorisEntry(6.0, "f", "surprise", "", "", "state"),
         BorisEntry(3.0, "f", "apex", "", "surprise", "point"), BorisEntry(4.0, "f", "apex", "", "", "point"),
         BorisEntry(4.5, "f", "apex", "", "happiness", "point"), BorisEntry(3.0, "g", "apex", "", "", "point")]
    notes: list[str] = []
    rows = pair_boris_events(e, "f", [], notes)
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [("happiness", 1.0, 5.0, 4.0), ("surprise", 2.0, 6.0, 3.0)]
    assert len(notes) == 2


class _Subject(str):
    """A subject name that counts how often it is compared: the work of placing apexes."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        _Subject.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_placing_apexes_does_not_scan_every_state_for_each():
    """2,000 events of one face, each a START, an apex and a STOP: the scan compared subjects 2,000 x 2,000 times
    (4 million); a sorted walk needs a few per entry."""
    n = 2000
    entries = []
    for k in range(n):
        s = _Subject("face 0")  # a distinct object each: no identity shortcut
        entries += [BorisEntry(3.0 * k, s, "happiness", "", "", "state"),
                    BorisEntry(3.0 * k + 1, _Subject("face 0"), "apex", "", "happiness", "point"),
                    BorisEntry(3.0 * k + 2, _Subject("face 0"), "happiness", "", "", "state")]
    _Subject.compared = 0
    rows = pair_boris_events(entries, "f", [], [])
    assert [r[6] for r in rows] == [3.0 * k + 1 for k in range(n)]
    assert _Subject.compared < 20 * n

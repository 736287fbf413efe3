"""Behaviour tiers built by any caller of write_eaf (h269): the exact name of a behaviour whose tier id loses it (a
"/", written "-") was kept in the HEADER only for the ids project.export.named_behaviour_tiers builds; a Python
caller's own ``behaviour: head/turn (bob)`` tier was written as it came, "/" and all, without the property. The
writer now settles every behaviour tier's id and name: the same tiers give the same file, whoever built them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from merstudio.interchange.common import Media
from merstudio.interchange.eaf import read_eaf
from merstudio.interchange.eaf_write import BEHAVIOUR_NAME_PROPERTY, write_eaf
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.export import named_behaviour_tiers

# (behaviour, coder, face, onset, offset, note): a "/" (every event with a note: no value names the behaviour), a
# " (" in a behaviour's and a coder's name, an unnamed coder, a face, an overlap (a second lane)
CODED = [("head/turn", "bob", 0, 10, 20, "left"), ("head/turn", "bob", 0, 15, 30, "back"),
         ("gaze (away)", "Anna (RA)", 1, 40, 50, "down"), ("a/b (c)", "", 2, 60, 70, "x")]
MEDIA = Media(path="clip.mp4", fps=30.0)


def _by_hand() -> dict[str, tuple[str, list[tuple[int, int, str]]]]:
    """CODED's tiers as a Python caller writes them from the scheme: the exact names in the ids."""
    return {"behaviour: head/turn (bob)": ("bob", [(10, 20, "left")]),
            "behaviour: head/turn (bob) #2": ("bob", [(15, 30, "back")]),
            "behaviour: gaze (away) (Anna (RA))/face1": ("Anna (RA)", [(40, 50, "down")]),
            "behaviour: a/b (c) (unnamed)/face2": ("", [(60, 70, "x")])}


def _text(path: Path) -> str:
    return re.sub(r'DATE="[^"]*"', "", path.read_text(encoding="utf-8"))


def _read(path: Path) -> list[tuple[str, str, int, int, int, str]]:
    return sorted((n, e.coder, e.face_id, e.onset, e.offset, e.note) for n, e in read_eaf(path, fps=30.0).behaviours)


def test_a_callers_own_tiers_are_written_as_the_apps_and_read_back_exactly(tmp_path: Path) -> None:
    app = write_eaf([], tmp_path / "app.eaf", MEDIA, extra_tiers=named_behaviour_tiers(
        [(n, BehaviourEvent(0, 0, a, b, coder=c, note=note, face_id=f)) for n, c, f, a, b, note in CODED]))
    own = write_eaf([], tmp_path / "own.eaf", MEDIA, extra_tiers=_by_hand())
    assert _text(own) == _text(app)  # was: the caller's ids with their "/", and no property
    header = ET.parse(own).getroot().find("HEADER")
    assert header is not None
    kept = {(e.get("NAME") or "")[len(BEHAVIOUR_NAME_PROPERTY):]: e.text for e in header.findall("PROPERTY")
            if (e.get("NAME") or "").startswith(BEHAVIOUR_NAME_PROPERTY)}
    assert kept == {"behaviour: head-turn (bob)": "head/turn", "behaviour: head-turn (bob) #2": "head/turn",
                    "behaviour: a-b (c) (unnamed)/face2": "a/b (c)"}
    assert _read(own) == sorted(CODED)


def test_a_callers_two_tiers_that_one_id_would_name_both_stay_apart(tmp_path: Path) -> None:
    # "head/turn" and "head-turn" are two behaviours: the first keeps its id as given (no tier id twice in the file)
    tiers = {"behaviour: head/turn (bob)": ("bob", [(1, 2, "a")]), "behaviour: head-turn (bob)": ("bob", [(5, 6, "b")])}
    path = write_eaf([], tmp_path / "two.eaf", MEDIA, extra_tiers=tiers)
    ids = [t.get("TIER_ID") for t in ET.parse(path).getroot().findall("TIER")]
    assert sorted(ids) == sorted(tiers)
    assert _read(path) == [("head-turn", "bob", 0, 5, 6, "b"), ("head/turn", "bob", 0, 1, 2, "a")]

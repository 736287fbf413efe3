"""ELAN's FACS layout with the apex coded on a tier of its own: an ``Apex`` tier (Included_In child of the
expression tier) or a ``Phase`` tier (Time_Subdivision: onset / apex / offset). Mapped with the ``apex`` kind
(``--tier Apex=zoe:apex``), an annotation of it inside one of the coder's events sets that event's apex: an
interval's first frame, a point's frame, a phase tier's ``apex`` part. Frames by hand at 30 fps, ELAN's rule (frame
k starts at ceil(k * 1000 / 30) ms): 567 ms -> 17, 2400 ms ends frame 71, 100 ms -> 3, 334 ms ends frame 9,
667 ms -> 20, 1000 ms -> 30, 167 ms -> 5."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.elan_facs_apex import facs_apex_eaf

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import read_eaf
from merstudio.interchange.eaf import TIER_ROLES, foreign_tiers
from merstudio.project.apex import apex_imputed

CODERS = {"AU": "zoe", "Émotion": "zoe"}
ROLES = {"AU": "aus", "Émotion": "emotion"}


def _coding(events) -> list[tuple]:
    return sorted((e.onset, e.apex, e.offset, e.emotion, e.aus, e.coder) for e in events)


def test_an_apex_tier_sets_the_coders_apex(tmp_path: Path) -> None:
    prev = read_eaf(facs_apex_eaf(tmp_path / "f.eaf"), fps=30.0, tier_coders={**CODERS, "Apex": "zoe"},
                    tier_roles={**ROLES, "Apex": "apex"})
    # a1 567-2400 ms: 17..71, apex 667 ms = 20; a10 100-334 ms: 3..9, no apex annotation: (3 + 9) // 2 = 6, imputed
    assert _coding(prev.events) == [(3, 6, 9, "Ärger", "4", "zoe"), (17, 20, 71, "Freude", "6+12+25", "zoe")]
    by_onset = {e.onset: e for e in prev.events}
    assert not apex_imputed(by_onset[17]) and apex_imputed(by_onset[3])
    assert not [s for s in prev.skipped if "'Apex'" in s.where], prev.skipped


def test_a_phase_tiers_apex_part_is_the_apex(tmp_path: Path) -> None:
    prev = read_eaf(facs_apex_eaf(tmp_path / "f.eaf"), fps=30.0, tier_coders={**CODERS, "Phase": "zoe"},
                    tier_roles={**ROLES, "Phase": "apex"})
    # the "apex" parts: 1000 ms = frame 30 in a1, 167 ms = frame 5 in a10 (its onset / offset parts are no apexes)
    assert _coding(prev.events) == [(3, 5, 9, "Ärger", "4", "zoe"), (17, 30, 71, "Freude", "6+12+25", "zoe")]
    assert not any(apex_imputed(e) for e in prev.events)


def test_unaligned_phase_slots_are_spaced_as_elan_shows_them(tmp_path: Path) -> None:
    """The auditor's file: the phase boundaries unaligned between 567 and 2400 ms: 567 + 1833 / 3 = 1178 ms, in
    frame floor(1178 * 30 / 1000) = 35."""
    prev = read_eaf(facs_apex_eaf(tmp_path / "u.eaf", phase_slots=("", "")), fps=30.0,
                    tier_coders={**CODERS, "Phase": "zoe"}, tier_roles={**ROLES, "Phase": "apex"})
    assert (17, 35, 71) in [(e.onset, e.apex, e.offset) for e in prev.events]


def test_a_point_on_the_apex_tier(tmp_path: Path) -> None:
    """A zero-length annotation (a point another tool wrote) at 667 ms: frame 20."""
    prev = read_eaf(facs_apex_eaf(tmp_path / "p.eaf", apex_end=667), fps=30.0, tier_coders={**CODERS, "Apex": "zoe"},
                    tier_roles={**ROLES, "Apex": "apex"})
    assert (17, 20, 71) in [(e.onset, e.apex, e.offset) for e in prev.events]


def test_the_apex_tier_is_no_event_tier_and_is_offered_as_apex(tmp_path: Path) -> None:
    assert "apex" in TIER_ROLES
    info = foreign_tiers(facs_apex_eaf(tmp_path / "f.eaf"))
    roles = {t.tier: t.guessed_role for t in info.tiers}
    assert roles["Apex"] == "apex" and roles["Phase"] == "apex"
    # mapped with no kind, a tier of phases is read as apexes (never as events of emotion "onset")
    prev = read_eaf(tmp_path / "f.eaf", fps=30.0, tier_coders={**CODERS, "Phase": "zoe"}, tier_roles=ROLES)
    assert _coding(prev.events) == [(3, 5, 9, "Ärger", "4", "zoe"), (17, 30, 71, "Freude", "6+12+25", "zoe")]


def test_an_apex_of_another_coder_or_outside_every_event_is_said(tmp_path: Path) -> None:
    prev = read_eaf(facs_apex_eaf(tmp_path / "f.eaf"), fps=30.0, tier_coders={**CODERS, "Apex": "bob"},
                    tier_roles={**ROLES, "Apex": "apex"})
    assert _coding(prev.events) == [(3, 6, 9, "Ärger", "4", "zoe"), (17, 44, 71, "Freude", "6+12+25", "zoe")]
    assert any("'Apex'" in n and "bob" in n for n in prev.notes), prev.notes


def test_cli_tier_apex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.csv"
    assert main(["convert", str(facs_apex_eaf(tmp_path / "f.eaf")), str(out), "--fps", "30", "--tier", "AU=zoe:aus",
                 "--tier", "Émotion=zoe:emotion", "--tier", "Apex=zoe:apex", "--yes"]) == 0, capsys.readouterr().err
    with out.open(encoding="utf-8") as fh:
        rows = sorted((int(r["onset"]), int(r["apex"]), int(r["offset"])) for r in csv.DictReader(fh))
    assert rows == [(3, 6, 9), (17, 20, 71)]


def test_an_apex_kind_needs_a_coder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no coder"):
        read_eaf(facs_apex_eaf(tmp_path / "f.eaf"), fps=30.0, tier_coders=CODERS, tier_roles={**ROLES, "Apex": "apex"})

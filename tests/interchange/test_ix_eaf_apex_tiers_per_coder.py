"""A coder's apexes on two ELAN tiers (an ``Apex`` tier and a ``Phase`` tier, both mapped with the ``apex`` kind),
and a coder given only an apex tier. Frames by hand at 30 fps, ELAN's rule (frame k starts at ceil(k * 1000 / 30)
ms): 567 ms -> 17, 2400 ms ends frame 71, 667 ms -> 20, 1000 ms -> 30, 100 ms -> 3, 334 ms ends frame 9,
167 ms -> 5."""

from __future__ import annotations

from pathlib import Path

from support.elan_facs_apex import facs_apex_eaf
from support.elan_files import tier_values_eaf

from merstudio.interchange import commit_import, parse_eaf, preview_import, read_eaf

CODERS = {"AU": "zoe", "Émotion": "zoe"}
ROLES = {"AU": "aus", "Émotion": "emotion"}
BOTH = {**CODERS, "Apex": "zoe", "Phase": "zoe"}, {**ROLES, "Apex": "apex", "Phase": "apex"}


def _frames(events) -> list[tuple[int, int, int]]:
    return sorted((e.onset, e.apex, e.offset) for e in events)


def test_two_apex_tiers_naming_different_apexes_use_the_first_and_say_so(tmp_path: Path) -> None:
    prev = read_eaf(facs_apex_eaf(tmp_path / "f.eaf"), fps=30.0, tier_coders=BOTH[0], tier_roles=BOTH[1])
    # a1 (567-2400 ms): Apex 667 ms = frame 20, Phase's apex part 1000 ms = frame 30 -> 20, the first;
    # a10 (100-334 ms): only Phase's apex part, 167 ms = frame 5
    assert _frames(prev.events) == [(3, 5, 9), (17, 20, 71)]
    assert not prev.skipped, prev.skipped
    said = [n for n in prev.notes if "20" in n and "30" in n]
    assert len(said) == 1, prev.notes  # one line for the event, not one per AU / emotion annotation of it
    assert "a3" in said[0] and "'Apex'" in said[0] and "'Phase'" in said[0]
    assert not any("not used" in n for n in prev.notes), prev.notes


def test_two_apex_tiers_naming_the_same_apex_agree(tmp_path: Path) -> None:
    """Phase's apex part starts at 667 ms too: both say frame 20, nothing to say."""
    path = facs_apex_eaf(tmp_path / "f.eaf", phase_slots=('TIME_VALUE="667"', 'TIME_VALUE="1500"'))
    prev = read_eaf(path, fps=30.0, tier_coders=BOTH[0], tier_roles=BOTH[1])
    assert _frames(prev.events) == [(3, 5, 9), (17, 20, 71)]
    assert not prev.skipped, prev.skipped
    assert not any("apex" in n and "differ" in n for n in prev.notes), prev.notes


def test_a_coder_with_only_an_apex_tier_coded_nothing_here(tmp_path: Path, project) -> None:
    vid = project.videos()[0].id
    path = facs_apex_eaf(tmp_path / "f.eaf")
    tiers, roles = {**CODERS, "Apex": "bob"}, {**ROLES, "Apex": "apex"}
    prev = preview_import(project, parse_eaf(path), vid, tier_coders=tiers, tier_roles=roles)
    assert prev.file_coders == ["zoe"]
    said = [n for n in prev.notes if "'bob'" in n]
    assert len(said) == 1 and "no events" in said[0], prev.notes
    commit_import(project, prev, skip_bad=True)  # the unmapped Phase tier is skipped
    assert "bob" not in project.coded_by(vid) and "bob" not in project.coders()
    assert "zoe" in project.coded_by(vid)


def test_a_tier_given_the_apex_kind_whose_values_do_not_say_so(tmp_path: Path, project) -> None:
    """A mark tier of "x" values reads as events unless given the apex kind; given it, its coder made no events."""
    vid = project.videos()[0].id
    path = tier_values_eaf(tmp_path / "m.eaf", {"Emotion": ("happiness",), "Marks": ("x",)})
    prev = preview_import(project, parse_eaf(path), vid, tier_coders={"Emotion": "zoe", "Marks": "bob"},
                          tier_roles={"Emotion": "emotion", "Marks": "apex"})
    assert prev.file_coders == ["zoe"] and {e.coder for e in prev.events} == {"zoe"}


def test_two_apexes_on_one_tier_skip_the_event_but_one_on_each_of_two_tiers_do_not(tmp_path: Path) -> None:
    """Annotations over 0-1000 ms: two apexes (at 0 ms, frame 0) on one tier cannot both be the event's; one
    on each of two tiers, both frame 0, agree."""
    one = tier_values_eaf(tmp_path / "one.eaf", {"Emotion": ("happiness",), "Apex": ("apex", "apex")})
    prev = read_eaf(one, fps=30.0, tier_coders={"Emotion": "zoe", "Apex": "zoe"},
                    tier_roles={"Emotion": "emotion", "Apex": "apex"})
    assert not prev.events and len(prev.skipped) == 1 and "'Apex'" in prev.skipped[0].reason
    two = tier_values_eaf(tmp_path / "two.eaf", {"Emotion": ("happiness",), "Apex": ("apex",), "Peak": ("apex",)})
    prev = read_eaf(two, fps=30.0, tier_coders={"Emotion": "zoe", "Apex": "zoe", "Peak": "zoe"},
                    tier_roles={"Emotion": "emotion", "Apex": "apex", "Peak": "apex"})
    assert _frames(prev.events) == [(0, 0, 29)] and not prev.skipped, prev.skipped

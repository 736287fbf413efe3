"""The agreement report on AU sides, intensity ICC over scored pairs, coders on different face ids, imputed
apexes, coders recorded as having coded a video with no events, and how coefficients print."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.agreement import agreement_from_events, agreement_report, icc
from merstudio.errors import InputError
from merstudio.project import Event
from merstudio.project.apex import APEX_IMPUTED


def _pairs(ann: list[str], bob: list[str]) -> list[Event]:
    evs = [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=a, coder="ann") for i, a in enumerate(ann)]
    return evs + [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=b, coder="bob") for i, b in enumerate(bob)]


def test_au_sides_are_presence_by_default_and_compared_on_request() -> None:
    evs = _pairs(["L14B", "12", "L12+R12", "4"], ["R14B", "12", "12", "4+14"])
    rep = agreement_from_events(evs)
    k = rep.kappa.set_index("variable")
    assert k.loc["AU14", "agreement"] == pytest.approx(0.75)  # L14 / R14 agree on presence
    assert "sides ignored" in rep.header() and "L14 = R14" in rep.header()
    note = next(n for n in rep.notes if n.startswith("AU14"))
    assert "1 matched pair(s) agree on presence but not on side (L14 / R14)" in note and "--au-sides" in note
    assert not any(n.startswith("AU12") for n in rep.notes)  # 12 and L12+R12: both sides, the same
    sided = agreement_from_events(evs, au_sides=True)
    k = sided.kappa.set_index("variable")
    assert k.loc["AU14", "agreement"] == pytest.approx(0.5)  # L14 vs R14 now disagree (and 0 vs R14... no: 4+14)
    assert k.loc["AU12", "agreement"] == pytest.approx(1.0)
    assert "compared with their side" in sided.header()
    a = sided.alpha.set_index("variable").loc["AU14"]
    assert a["alpha"] < rep.alpha.set_index("variable").loc["AU14", "alpha"]


def test_intensity_icc_leaves_out_pairs_where_neither_scored_the_au() -> None:
    # AU12: (3, 4), (5, 4), (2, 1) scored; three matched pairs where neither has AU12 would inflate the ICC
    rep = agreement_from_events(_pairs(["12C", "12E", "12B", "4A", "4B", "4C"],
                                       ["12D", "12D", "12A", "4A", "4B", "4C"]))
    row = rep.icc.set_index("au").loc["AU12"]
    assert row["n"] == 3
    assert row["icc2_1"] == pytest.approx(icc([[3, 4], [5, 4], [2, 1]]).icc2_1)
    assert row["icc2_1"] < icc([[3, 4], [5, 4], [2, 1], [0, 0], [0, 0], [0, 0]]).icc2_1  # what counting (0, 0) gave
    assert "either coder scored the AU" in rep.header() and "either coder scored the AU" in rep.summary()


def test_coders_on_different_face_ids_get_a_hint() -> None:
    ann = [Event(1, 5, 7, 10, coder="ann"), Event(1, 20, 25, 30, coder="ann"), Event(1, 40, 42, 44, coder="ann")]
    bob = [Event(1, 6, 8, 11, face_id=1, coder="bob"), Event(1, 21, 24, 33, face_id=1, coder="bob")]
    rep = agreement_from_events(ann + bob)
    assert rep.pairs.loc[0, "f1"] == 0
    hint = [n for n in rep.notes if "never share a face" in n]
    assert len(hint) == 1 and "ann coded face(s) 0 and bob face(s) 1" in hint[0] and "2 would match" in hint[0]
    # on a shared face, no hint
    assert not any("never share" in n for n in agreement_from_events(ann + [Event(1, 6, 8, 11, coder="bob")]).notes)


def test_imputed_apexes_are_left_out_of_apex_statistics() -> None:
    ann = [Event(1, 10, 12, 20, coder="ann"), Event(1, 40, 45, 50, coder="ann")]
    # bob's second event: no apex in his file, the middle frame 46 put there (tagged)
    bob = [Event(1, 10, 14, 20, coder="bob"), Event(1, 41, 46, 52, coder="bob", note=f"x {APEX_IMPUTED}")]
    rep = agreement_from_events(ann + bob)
    p = rep.pairs.iloc[0]
    assert p["matched"] == 2 and p["n_apex"] == 1
    assert p["mean_abs_d_apex"] == 2.0  # only the first pair: |14 - 12|
    m = rep.matches[rep.matches["status"] == "matched"].set_index("onset_a")
    assert m.loc[10, "d_apex"] == 2 and np.isnan(m.loc[40, "d_apex"])
    assert any("1 matched pair(s) left out of |d_apex|" in n for n in rep.notes)
    # matching by tolerance ignores the imputed apex: onset and offset within 3 frames match, apex 16 frames off
    a = [Event(1, 10, 11, 40, coder="ann")]
    b = [Event(1, 12, 27, 42, coder="bob", note=APEX_IMPUTED)]
    small = agreement_from_events(a + b, iou=1.0)
    assert small.pairs.iloc[0]["matched"] == 1
    moved = [Event(1, 12, 27, 42, coder="bob")]  # the same apex set by the coder: 16 frames off, no match
    assert agreement_from_events(a + moved, iou=1.0).pairs.iloc[0]["matched"] == 0


def test_coefficients_that_round_to_zero_print_without_a_sign() -> None:
    rep = agreement_from_events(_pairs(["12A", "12B", "12C"], ["12B", "12A", "12C"]))
    rep.icc.loc[:, "icc3_1"] = -1e-9
    rep.icc.loc[:, "icc2_1"] = -0.25
    text = rep.summary()
    row = next(ln.split() for ln in text.splitlines() if ln.split()[:1] == ["events"])
    assert "-0.000" not in text and row[6:8] == ["-0.250", "0.000"]  # icc2_1, icc3_1


def test_a_recorded_coder_without_events_is_compared(project) -> None:
    v1 = project.videos()[0].id
    with pytest.raises(InputError, match="no events by coder 'carol', nor a video recorded as coded by them"):
        agreement_report(project, coders=["ann", "carol"])
    project.mark_coded(v1, ["carol"])
    rep = agreement_report(project, coders=["ann", "carol"])
    row = rep.pairs.iloc[0]
    assert (row["coder_a"], row["coder_b"], row["matched"], row["only_b"]) == ("ann", "carol", 0, 0)
    assert row["only_a"] == len([e for e in project.events(v1) if e.coder == "ann"])
    assert any("found nothing there: carol" in n for n in rep.notes)
    # recorded on video 1 only: on video 2 carol did not code, so nothing of video 2 counts against her
    assert rep.video_ids == [v1]


def test_all_coded_compares_a_registered_coder_without_events(project) -> None:
    """--all-coded says every named coder coded every video: one the project knows who has no event found nothing;
    a name the project does not know is still refused (a typo)."""
    project.add_coder("dana")  # registered (the app does so when a coder starts), no events, no import
    with pytest.raises(InputError, match="no events by coder 'dana'"):
        agreement_report(project, coders=["ann", "dana"])
    rep = agreement_report(project, coders=["ann", "dana"], all_coded=True)
    assert rep.pairs.iloc[0]["coder_b"] == "dana" and rep.pairs.iloc[0]["matched"] == 0
    assert any("coded and found nothing there: dana" in n for n in rep.notes)
    with pytest.raises(InputError, match="no events by coder 'dnaa'"):
        agreement_report(project, coders=["ann", "dnaa"], all_coded=True)

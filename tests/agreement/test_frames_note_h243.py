"""The per-frame ICC note says what is true, and only where a per-frame ICC was asked for (h243): a project with
no analysis at all and no per-frame table given was told "no video has two per-frame AU tables (only one per-frame
table per video)". Now: no note without a table given; a video given one table names it and why there is no second
(no analysis stored, or one without AU intensities)."""

from __future__ import annotations

import pandas as pd
from agreement_data import frame_rows

from merstudio.agreement import agreement_from_events, agreement_report
from merstudio.project import Event


def test_no_table_given_no_per_frame_note(project) -> None:
    for vids in ([1], None):  # video 1 analysed, video 2 never
        rep = agreement_report(project, video_ids=vids)
        assert not any("ICC skipped" in n or "per-frame AU table" in n for n in rep.notes), rep.notes
    rep = agreement_from_events([Event(1, 5, 7, 9, coder="ann"), Event(1, 5, 7, 9, coder="bob")],
                                frame_counts={1: 20})
    assert not any("ICC skipped" in n for n in rep.notes), rep.notes


def test_a_table_for_a_video_without_analysis_says_so(project) -> None:
    other = pd.DataFrame(frame_rows(noise=0.3, seed=5))
    rep = agreement_report(project, frame_tables={2: {"openface": other}})  # video 2: analysed never
    note = next(n for n in rep.notes if "ICC skipped" in n)
    assert "b.avi (video 2)" in note and "one per-frame AU table (openface)" in note
    assert "no analysis of the video stored" in note and "analyse it in the app" in note
    assert "two per-frame AU tables" not in note


def test_a_stored_analysis_without_au_intensities_is_named(project) -> None:
    aid = project.begin_analysis(2)
    project.append_frames(aid, [{"frame": i, "face_id": 0, "timestamp": i / 30, "success": 1} for i in range(5)])
    project.finish_analysis(aid)
    rep = agreement_report(project, frame_tables={2: {"openface": pd.DataFrame(frame_rows())}})
    assert any("ICC skipped on b.avi (video 2)" in n and "stored analysis has no AU intensities" in n
               for n in rep.notes), rep.notes


def test_plain_events_one_table_named_and_two_tables_no_note() -> None:
    evs = [Event(1, 5, 7, 9, coder="ann"), Event(1, 5, 7, 9, coder="bob")]
    one = agreement_from_events(evs, frame_counts={1: 60}, frame_tables={1: {"ofc": pd.DataFrame(frame_rows())}})
    assert any(n.startswith("per-frame ICC skipped on video 1: one per-frame AU table (ofc)") for n in one.notes)
    two = agreement_from_events(evs, frame_counts={1: 60}, frame_tables={1: {
        "a": pd.DataFrame(frame_rows()), "b": pd.DataFrame(frame_rows(noise=0.3, seed=5))}})
    assert not any("ICC skipped" in n for n in two.notes)

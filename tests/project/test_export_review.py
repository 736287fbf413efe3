"""Issue 11: exports tell coding from model proposals (summary counts, confidence columns)."""

import pandas as pd
import pytest

from merstudio.project import Event
from merstudio.project.export import events_table, export_events_csv, export_summary


def _add(project, vid):
    # (frames within the fixture's 40-frame video: add_event refuses an event past its end)
    project.add_event(Event(vid, 37, 38, 39, emotion="surprise", aus="1+2", source="model", status="proposal",
                            model_confidence=0.55))
    project.add_event(Event(vid, 13, 14, 15, emotion="negative", aus="4", source="model", status="rejected",
                            model_confidence=0.06))
    project.add_event(Event(vid, 16, 17, 18, emotion="positive", aus="12", source="model", status="accepted",
                            coder="ann", model_confidence=0.71))


def _summary(project, vid, tmp_path):
    (csv_path,) = export_summary(project, vid, tmp_path / "s.csv")
    s = pd.read_csv(csv_path)
    return {(m, c): v for m, c, v in zip(s["measure"], s["category"], s["value"], strict=True)}


def test_summary_counts_only_coded_events_and_reports_proposals_apart(project, tmp_path):
    vid = project.videos()[0].id
    before = _summary(project, vid, tmp_path)
    _add(project, vid)
    get = _summary(project, vid, tmp_path)
    # only the accepted proposal becomes an event; the open and the rejected one are proposals
    assert get[("events", "all")] == before[("events", "all")] + 1
    assert ("events", "surprise") not in get
    assert get[("events", "negative")] == before[("events", "negative")]
    assert get[("events", "positive")] == before[("events", "positive")] + 1
    assert get[("proposals", "open")] == before[("proposals", "open")] + 1
    assert get[("proposals", "rejected")] == 1
    assert ("au_events", "AU01") not in get  # the open proposal's AUs are not coded AUs


def test_a_model_event_exports_the_model_confidence_apart(project, tmp_path):
    vid = project.videos()[0].id
    _add(project, vid)
    df = pd.read_csv(export_events_csv(project, tmp_path / "e.csv", vid))
    acc = df[(df["source"] == "model") & (df["status"] == "accepted")].iloc[0]
    assert pd.isna(acc["confidence"]) and acc["model_confidence"] == pytest.approx(0.71)
    manual = df[(df["source"] == "manual") & df["confidence"].notna()].iloc[0]
    assert manual["confidence"] == pytest.approx(0.8) and pd.isna(manual["model_confidence"])
    t = events_table(project, vid)
    assert t["confidence"][(t["source"] == "model") & (t["status"] == "accepted")].isna().all()
    opened = t[t["status"] == "proposal"].iloc[-1]  # the model's number, never in the coder's column (h224)
    assert pd.isna(opened["confidence"]) and opened["model_confidence"] == pytest.approx(0.55)

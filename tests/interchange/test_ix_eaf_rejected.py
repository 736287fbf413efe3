"""Issue 11: a rejected proposal is not an event: never on an ELAN event tier, on its own clearly named tier."""

import xml.etree.ElementTree as ET

from ix_helpers import canon

from merstudio.interchange import Media, read_eaf, write_eaf
from merstudio.project import Event


def _events():
    return [Event(0, 10, 12, 15, emotion="happiness", aus="12", coder="alice", source="model", status="accepted",
                  confidence=0.7),
            Event(0, 30, 32, 35, emotion="negative", aus="4", coder="alice", source="model", status="rejected",
                  confidence=0.06),
            Event(0, 40, 42, 45, emotion="surprise", aus="1+2", coder="alice", source="model", status="proposal"),
            Event(0, 11, 13, 20, emotion="disgust", aus="9", coder="alice", source="model", status="rejected",
                  face_id=1)]


def _tiers(path):
    root = ET.parse(path).getroot()
    slots = {s.get("TIME_SLOT_ID"): int(s.get("TIME_VALUE")) for s in root.iter("TIME_SLOT")}
    out = {}
    for t in root.iter("TIER"):
        out[t.get("TIER_ID")] = [(slots[a.get("TIME_SLOT_REF1")], a.findtext("ANNOTATION_VALUE"))
                                 for a in t.iter("ALIGNABLE_ANNOTATION")]
    return out


def test_rejected_proposals_are_not_on_any_event_tier(tmp_path):
    path = write_eaf(_events(), tmp_path / "c.eaf", Media(str(tmp_path / "clip.mp4"), fps=25.0, frame_count=100))
    tiers = _tiers(path)
    on_event_tiers = [v for tid, anns in tiers.items() if tid.split("/")[1] == "event" for _, v in anns]
    assert "negative | 4" not in on_event_tiers and "disgust | 9" not in on_event_tiers
    assert "happiness | 12" in on_event_tiers and "surprise | 1+2" in on_event_tiers
    assert [v for _, v in tiers["alice/rejected"]] == ["negative | 4"]
    assert [v for _, v in tiers["alice/rejected/face1"]] == ["disgust | 9"]
    assert "alice/rejected-apex" in tiers and "alice/rejected-meta" in tiers


def test_rejected_tier_round_trips_as_rejected(tmp_path):
    evs = _events()
    path = write_eaf(evs, tmp_path / "c.eaf", Media(str(tmp_path / "clip.mp4"), fps=25.0, frame_count=100))
    prev = read_eaf(path, fps=25.0)
    assert prev.ok and not prev.skipped
    assert canon(prev.accept()) == canon(evs)

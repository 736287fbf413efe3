"""An event's text as a Mac writes it (NFD, decomposed) is stored as typed on Linux or Windows (NFC): one coder, one
emotion label (h223)."""

from __future__ import annotations

import unicodedata

from merstudio.project import Event, Project

NFC, NFD = (unicodedata.normalize(f, "Zoë") for f in ("NFC", "NFD"))
UE_NFD = unicodedata.normalize("NFD", "Überraschung")


def test_validated_event_text_is_nfc() -> None:
    assert NFC != NFD
    ev = Event(video_id=1, onset=0, apex=1, offset=2, coder=NFD, emotion=UE_NFD, note=f"{NFD} sah es",
               model=f"{NFD}.pt").validated()
    assert ev.coder == NFC
    assert ev.emotion == unicodedata.normalize("NFC", "Überraschung")
    assert ev.note == f"{NFC} sah es"
    assert ev.model == f"{NFC}.pt"


def test_stored_nfd_coder_is_one_coder(clip72: Project) -> None:
    clip72.add_event(Event(video_id=1, onset=0, apex=1, offset=2, coder=NFC))
    clip72.add_events([Event(video_id=1, onset=5, apex=6, offset=7, coder=NFD)])
    assert {e.coder for e in clip72.events()} == {NFC}

"""An accepted model proposal lying inside a coder's longer event of the same expression (IoU .38, offsets 5 frames
apart: under the agreement report's rule) was not merged with it, so the same frames trained twice, under the
proposal's label beside the coder's. It is merged now, and named, when it lies wholly inside one coder's event of
the same face and covers that event's apex (the same peak); a micro-expression inside a longer macro-expression,
coded by a second coder or proposed away from the macro's apex, stays a sample of its own."""

from __future__ import annotations

from pathlib import Path

from support.finetune_project import CLASSES

from merstudio.project import Event, Project
from merstudio.training.finetune_split import collect_samples


def _proposal(vid: int, onset: int, apex: int, offset: int, emotion: str, face: int = 0) -> Event:
    return Event(vid, onset, apex, offset, face_id=face, emotion=emotion, coder="model", source="model",
                 status="accepted", model="starter.pt (26e4a6027a09)")


def _coded(vid: int, onset: int, apex: int, offset: int, emotion: str, coder: str = "ann") -> Event:
    return Event(vid, onset, apex, offset, emotion=emotion, coder=coder, source="manual", status="accepted")


def test_a_proposal_inside_a_coders_longer_event_is_that_event(tmp_path: Path):
    proj = Project.create(tmp_path / "p.merproj")
    try:
        clip = tmp_path / "take0.avi"
        clip.write_bytes(b"take 0 " * 40)  # a placeholder: nothing is read
        v = proj.add_video(clip, 25.0, 500, 64, 48).id
        # ann codes 30-55 after the model had proposed 41-50 (an earlier id): IoU 10/26 = .38, offsets 5 apart
        prop = proj.add_events([_proposal(v, 41, 45, 50, "negative")])[0]
        ann = proj.add_events([_coded(v, 30, 45, 55, "negative")])[0]
        # a macro-expression (ann) with a micro one inside it (ben, and the model's proposal of ben's): the micro is
        # its own sample; a proposal inside the macro away from its apex (130) too
        macro, micro = proj.add_events([_coded(v, 100, 130, 160, "positive"), _coded(v, 110, 113, 118, "surprise",
                                                                                     "ben")])
        over_micro, elsewhere = proj.add_events([_proposal(v, 111, 113, 117, "surprise"),
                                                 _proposal(v, 140, 143, 148, "negative")])
        # a proposal of another class inside a coder's event: the same frames, two labels -> left out, named
        proj.add_events([_coded(v, 200, 210, 225, "negative"), _proposal(v, 205, 210, 214, "positive")])
        # two coders' events, one inside the other, never merge by containment; nor another face's proposal
        ann2, ben2 = proj.add_events([_coded(v, 300, 310, 330, "surprise"), _coded(v, 305, 308, 312, "surprise",
                                                                                   "ben")])
        face1 = proj.add_events([_proposal(v, 41, 45, 50, "negative", face=1)])[0]
        got = collect_samples(proj, CLASSES)
    finally:
        proj.close()
    by_id = {it.event_id: it for it in got.items}
    # the coder's event stands for both, with its own frames, though the proposal was stored first
    assert ann.id in by_id and prop.id not in by_id
    assert by_id[ann.id].event_ids() == (ann.id, prop.id) and (by_id[ann.id].onset, by_id[ann.id].offset) == (30, 55)
    assert {macro.id, micro.id, elsewhere.id, ann2.id, ben2.id, face1.id} <= set(by_id)
    assert by_id[micro.id].event_ids() == (micro.id, over_micro.id)  # matched by IoU, as before
    assert len(got.items) == 7
    assert got.contained == ["take0.avi: the negative proposal at frames 41-50 inside ann's event 30-55"]
    assert got.conflicts == ["take0.avi frames 200-225: negative (ann), positive (model, a proposal inside ann's "
                             "event)"]
    note = got.note()
    assert "1 model proposal lying inside a coder's longer event of the same expression counts as that event " \
           "(take0.avi: the negative proposal at frames 41-50 inside ann's event 30-55)" in note, note

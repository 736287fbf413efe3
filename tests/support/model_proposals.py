"""The model's open proposal of surprise (AUs 1+2) over some frames, and bob's review of it, rejected: the events
of the import tests around proposals reviewed here already (h265, h266, h274, h275), and an ELAN file of such a
review beside a behaviour event."""

from __future__ import annotations

from pathlib import Path

from merstudio import interchange as ix
from merstudio.project import Behaviour, BehaviourEvent, Event, Project


def proposal(vid: int, on: int, off: int) -> Event:
    """The model's open proposal at on-off (apex midway)."""
    return Event(vid, on, (on + off) // 2, off, emotion="surprise", aus="1+2", coder="model", source="model",
                 status="proposal")


def rejected(vid: int, on: int, off: int) -> Event:
    """bob's review of the model's proposal there: rejected."""
    return Event(vid, on, (on + off) // 2, off, emotion="surprise", aus="1+2", coder="bob", source="model",
                 status="rejected")


def reviewed_elan(p: Project, vid: int, on: int, off: int, path: Path) -> Path:
    """The ELAN file ``path`` of the video ``vid`` once bob rejected the model's proposal at on-off there (kept in
    ``p``) and alice coded 'gaze away' at 2-6, that behaviour event then deleted in ``p``: the file brings one
    behaviour event new here beside coded events all here already."""
    p.add_events([rejected(vid, on, off)])
    gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
    ev = p.add_behaviour_event(BehaviourEvent(vid, gaze.id, 2, 6, coder="alice"))
    [eaf] = ix.export_project_events(p, vid, path)
    p.delete_behaviour_event(ev.id)
    return eaf

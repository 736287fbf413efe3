"""Apexes no coder set. An ELAN annotation or a BORIS state without an apex, or a dataset sheet's ``/``, gets the
middle frame of its onset..offset on import, and the event's note gets the :data:`APEX_IMPUTED` tag, so that the
agreement report leaves those apexes out of its apex statistics (merstudio.agreement). The tag travels with the
note through every export (ELAN meta, BORIS comment, events CSV)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

APEX_IMPUTED = "[apex imputed: middle frame]"


def middle_frame(onset: int, offset: int) -> int:
    """The apex an import gives an event whose file has none: its middle frame, the earlier of two."""
    return (onset + offset) // 2


def note_apex_imputed(note: str) -> str:
    """``note`` with the :data:`APEX_IMPUTED` tag (once)."""
    if APEX_IMPUTED in (note or ""):
        return note
    return f"{note} {APEX_IMPUTED}" if note else APEX_IMPUTED


def apex_imputed(event: Any) -> bool:
    """The event's apex was put at its middle frame by an import (its note has the :data:`APEX_IMPUTED` tag) and is
    still there: an apex a coder has moved since counts as coded."""
    return APEX_IMPUTED in (getattr(event, "note", "") or "") and event.apex == middle_frame(event.onset, event.offset)


def with_span(event: Any, onset: int, offset: int) -> Any:
    """``event`` (a dataclass: merstudio.project.Event) on frames ``onset..offset`` (an import cutting it at the
    video's last frame): an imputed apex (:func:`apex_imputed`) is imputed again, the new span's middle frame, so it
    stays out of the apex statistics; a coded apex stays where the coder put it, moved inside the span where it
    falls outside."""
    apex = middle_frame(onset, offset) if apex_imputed(event) else min(max(event.apex, onset), offset)
    return replace(event, onset=onset, apex=apex, offset=offset)

"""Coded events (onset/apex/offset intervals) and the FACS AU string they carry."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

from merstudio.errors import InputError
from merstudio.facs import au_numbers, normalize_aus, parse_aus  # the AU grammar lives in merstudio.facs
from merstudio.pathnames import name_key

__all__ = ["SOURCES", "STATUSES", "Event", "au_numbers", "normalize_aus", "parse_aus"]

SOURCES = ("model", "manual", "imported")
STATUSES = ("proposal", "accepted", "rejected")


@dataclass(frozen=True)
class Event:
    """One coded interval on one face track of one video. Frames are 0-based indices, onset <= apex <= offset."""

    video_id: int
    onset: int
    apex: int
    offset: int
    face_id: int = 0
    emotion: str = ""
    aus: str = ""
    coder: str = ""
    confidence: float | None = None  # the coder's own rating, 0..1 (None: none given); never the model's
    note: str = ""
    source: str = "manual"
    status: str = "accepted"
    id: int | None = None
    # the checkpoint that proposed it, "starter.pt (26e4a6027a09)" (project.analyses.model_text, short), kept
    # through review; "" for an event no checkpoint proposed (coded, the FACS rules', stored before schema 7)
    model: str = ""
    # the model's probability of an event it proposed (its mean class probability), 0..1; set by the model alone and
    # kept through review, beside the coder's own ``confidence`` (schema 9: before, one number held either)
    model_confidence: float | None = None

    def validated(self) -> Event:
        """Return a copy with a canonical AU string and Python numbers (numpy's integers and a whole float 18.0
        become ints; a frame 18.3 is refused: frames, not seconds); raise InputError on any bad field. An event this
        returned is not checked again (an import's events are checked where they are read, then stored as they are):
        checking each event twice, a dataclasses.replace each time, was a sixth of a 10,000-row events CSV's
        import."""
        if self.__dict__.get("_valid"):
            return self
        # numbers of another type (numpy's from a DataFrame, a float frame from seconds * fps) become Python's or are
        # refused here: SQLite stored np.int64 as a blob (a CHECK or FOREIGN KEY failure naming nothing), json
        # refused it in the history, and a frame 18.3 was stored as it was and crashed the agreement's slicing
        if not (type(self.onset) is int and type(self.apex) is int and type(self.offset) is int
                and type(self.video_id) is int and type(self.face_id) is int
                and (self.confidence is None or type(self.confidence) is float)
                and (self.model_confidence is None or type(self.model_confidence) is float)):
            return self._plain_numbers().validated()
        if not (0 <= self.onset <= self.apex <= self.offset):
            raise InputError(f"event: need 0 <= onset <= apex <= offset, got {self.onset}, {self.apex}, {self.offset}")
        if self.source not in SOURCES:
            raise InputError(f"event: source must be one of {', '.join(SOURCES)}, got {self.source!r}")
        if self.status not in STATUSES:
            raise InputError(f"event: status must be one of {', '.join(STATUSES)}, got {self.status!r}")
        for name in ("confidence", "model_confidence"):
            value = getattr(self, name)
            if value is not None and not (0.0 <= float(value) <= 1.0):
                raise InputError(f"event: {name} must be within 0..1, got {value}")
        from merstudio.xlsx import xml_text  # the one rule for text an XML file (.eaf, .xlsx) can hold

        try:
            aus = _canonical_aus(name_key(self.aus))
            # a note pasted from Word holds \x0b (its shift-enter line break): a line break here, and any other
            # control character a visible U+FFFD, so that no export of the event writes a file ELAN or Excel refuses.
            # Unicode NFC (name_key), as video names: "Zoë" typed here and "Zoë" from a Mac's file (NFD, e + U+0308)
            # were two coders, and one emotion label two labels that disagreed; the note too (it looks the same, and
            # the events table's filter and an export compare it)
            note, emotion, coder = (name_key(xml_text(t)) for t in (self.note, self.emotion, self.coder))
            model = name_key(xml_text(self.model)) if self.model else ""  # most name none: no call (an import's time)
        except ValueError as exc:
            raise InputError(f"event: {exc}") from None
        except (TypeError, AttributeError):  # a text field that is no text (None, a sheet's NaN): which one
            for name in _TEXT_FIELDS:
                if not isinstance(getattr(self, name), str):
                    raise InputError(f"event: {name} must be text, got {getattr(self, name)!r}") from None
            raise
        ev = self
        if (aus, note, emotion, coder, model) != (self.aus, self.note, self.emotion, self.coder, self.model):
            ev = replace(self, aus=aus, note=note, emotion=emotion, coder=coder, model=model)
        object.__setattr__(ev, "_valid", True)  # not a field: equality, to_dict and replace() leave it out
        return ev

    def _plain_numbers(self) -> Event:
        """This event with Python ints for its frames and ids and float confidences; InputError naming the field
        for a value that is not one (a str, a frame number that is not whole)."""
        return replace(self, video_id=_whole("video_id", self.video_id), face_id=_whole("face_id", self.face_id),
                       onset=_whole("onset", self.onset), apex=_whole("apex", self.apex),
                       offset=_whole("offset", self.offset), confidence=_probability("confidence", self.confidence),
                       model_confidence=_probability("model_confidence", self.model_confidence))

    def with_id(self, event_id: int) -> Event:
        """This event under the id ``event_id``, still counted as checked when it was (an id changes nothing
        :meth:`validated` checks); half the time of dataclasses.replace, which an import paid twice an event."""
        ev = Event(self.video_id, self.onset, self.apex, self.offset, self.face_id, self.emotion, self.aus,
                   self.coder, self.confidence, self.note, self.source, self.status, event_id, self.model,
                   self.model_confidence)
        if self.__dict__.get("_valid"):
            object.__setattr__(ev, "_valid", True)
        return ev

    @property
    def duration(self) -> int:
        """Length in frames, both ends included."""
        return self.offset - self.onset + 1

    def to_dict(self) -> dict[str, Any]:
        # what dataclasses.asdict gives (every field is a plain value), without its deep copy: each event an import
        # stores writes this into its history, and asdict took 45 % of a 10,000-event import's writing
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        keys = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in keys})


_FIELDS = tuple(f.name for f in fields(Event))
_FRAME_FIELDS = ("onset", "apex", "offset")
_TEXT_FIELDS = ("emotion", "aus", "coder", "note", "model")


def _probability(name: str, value: Any) -> float | None:
    """``value`` of the confidence field ``name`` as a Python float (None stays None); else InputError naming it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"event: {name} must be a number within 0..1 or None, got {value!r}")
    return float(value)


def _whole(name: str, value: Any) -> int:
    """``value`` of the field ``name`` as a Python int: an int of any kind (numpy's too) or a whole float; else
    InputError naming the field (a frame number in seconds, 0.61 * fps = 18.3, says what to do)."""
    if type(value) is int:
        return value
    what = "a whole frame number" if name in _FRAME_FIELDS else "a whole number"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # a str from a sheet, None, True
        raise InputError(f"event: {name} must be {what}, got {value!r}")
    if isinstance(value, numbers.Integral):  # numpy's integers
        return int(value)
    f = float(value)
    if f.is_integer():
        return int(f)
    hint = ""
    if name in _FRAME_FIELDS and math.isfinite(f):
        hint = ": frames, not seconds; round it or use frame = round(seconds * fps)"
    raise InputError(f"event: {name} must be {what}, got {f}{hint}")


# a file repeats a few AU strings over thousands of events: each spelling is read once (ValueError is not cached)
_canonical_aus = lru_cache(maxsize=4096)(normalize_aus)

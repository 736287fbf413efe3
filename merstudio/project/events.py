"""Coded events (onset/apex/offset intervals) and the FACS AU string they carry."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from merstudio.errors import InputError
from merstudio.facs import au_numbers, normalize_aus, parse_aus  # the AU grammar lives in merstudio.facs

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
    confidence: float | None = None
    note: str = ""
    source: str = "manual"
    status: str = "accepted"
    id: int | None = None

    def validated(self) -> Event:
        """Return a copy with a canonical AU string; raise InputError on any bad field."""
        if not (0 <= self.onset <= self.apex <= self.offset):
            raise InputError(f"event: need 0 <= onset <= apex <= offset, got {self.onset}, {self.apex}, {self.offset}")
        if self.source not in SOURCES:
            raise InputError(f"event: source must be one of {', '.join(SOURCES)}, got {self.source!r}")
        if self.status not in STATUSES:
            raise InputError(f"event: status must be one of {', '.join(STATUSES)}, got {self.status!r}")
        if self.confidence is not None and not (0.0 <= float(self.confidence) <= 1.0):
            raise InputError(f"event: confidence must be within 0..1, got {self.confidence}")
        try:
            aus = normalize_aus(self.aus)
        except ValueError as exc:
            raise InputError(f"event: {exc}") from None
        from merstudio.xlsx import xml_text  # the one rule for text an XML file (.eaf, .xlsx) can hold

        # a note pasted from Word holds \x0b (its shift-enter line break): a line break here, and any other control
        # character a visible U+FFFD, so that no export of the event writes a file ELAN or Excel refuses
        return replace(self, aus=aus, note=xml_text(self.note), emotion=xml_text(self.emotion),
                       coder=xml_text(self.coder))

    @property
    def duration(self) -> int:
        """Length in frames, both ends included."""
        return self.offset - self.onset + 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        keys = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in keys})

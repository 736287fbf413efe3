"""Coded events (onset/apex/offset intervals) and the FACS AU string they carry."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from merstudio.errors import InputError

SOURCES = ("model", "manual", "imported")
STATUSES = ("proposal", "accepted", "rejected")

# One AU term: optional side (L or R, as FACS coders write unilateral AUs), AU number, optional
# intensity letter A-E (FACS intensity), e.g. "L12", "R6", "4", "12C".
_AU_TERM = re.compile(r"^([LR]?)(\d{1,2})([A-E]?)$")


def parse_aus(text: str) -> list[tuple[str, int, str]]:
    """Parse a FACS AU string such as ``4+7``, ``L12``, ``1+2+L12`` into (side, au, intensity) terms.

    Raises ValueError with a one-line reason on a malformed string. The empty string means "no AUs".
    """
    text = re.sub(r"\s*\+\s*", "+", (text or "").strip().upper())
    # a space inside a term ("L 12", "AU 4") is no separator; between terms ("1 2") it is one, never a merge (AU12)
    text = re.sub(r"\s+", "+", re.sub(r"(?<=\b[LR])\s+|(?<=\bAU)\s+", "", text))
    if not text:
        return []
    terms: list[tuple[str, int, str]] = []
    seen: set[tuple[str, int]] = set()
    for part in text.split("+"):
        m = _AU_TERM.match(part)
        if not m:
            raise ValueError(f"bad AU term {part!r} in {text!r} (expected e.g. 4+7, L12, R6)")
        side, num, inten = m.group(1), int(m.group(2)), m.group(3)
        if not 1 <= num <= 99:
            raise ValueError(f"AU number out of range in {text!r}: {num}")
        if (side, num) in seen:
            raise ValueError(f"AU {side}{num} repeated in {text!r}")
        seen.add((side, num))
        terms.append((side, num, inten))
    return terms


def normalize_aus(text: str) -> str:
    """Validate and return the canonical spelling of an AU string (upper case, no spaces)."""
    return "+".join(f"{s}{n}{i}" for s, n, i in parse_aus(text))


def au_numbers(text: str) -> list[int]:
    """The AU numbers in an AU string, sides and intensities dropped (``1+2+L12`` -> [1, 2, 12])."""
    return [n for _, n, _ in parse_aus(text)]


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
        return replace(self, aus=aus)

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

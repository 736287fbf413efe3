"""FACS knowledge shared by the core: the objective classes (AU combinations -> emotion) and the AU string grammar
(what an event stores, and how AU text written by coders and other tools is read into it). No torch, no Qt, so the
analysis, the project and the GUI worker can use it without importing the model package."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

# Objective classes (Davison et al. 2018; ../shared/reference/datasets.md): class -> (emotion, AU combinations).
FACS_OBJECTIVE_CLASSES: dict[str, tuple[str, tuple[tuple[int, ...], ...]]] = {
    "I": ("happiness", ((6,), (12,), (6, 12), (6, 7, 12), (7, 12))),
    "II": ("surprise", ((1, 2), (5,), (25,), (1, 2, 25), (25, 26), (5, 24))),
    "III": ("anger", ((23,), (4,), (4, 7), (4, 5), (4, 5, 7), (17, 24), (4, 6, 7), (4, 38))),
    "IV": ("disgust", ((10,), (9,), (4, 9), (4, 40), (4, 5, 40), (4, 7, 9), (4, 9, 17), (4, 7, 10),
                       (4, 5, 7, 9), (7, 10))),
    "V": ("sadness", ((1,), (15,), (1, 4), (6, 15), (15, 17))),
    "VI": ("fear", ((1, 2, 4), (20,))),
    "VII": ("others", ()),
}


def objective_emotion(aus: Iterable[int]) -> str:
    """The FACS objective-class emotion for a set of AUs: the class of the largest combination it holds; AUs that fit
    no combination (AU14 alone) are the scheme's class VII, "others" (Davison et al. 2018: the class with no
    combinations of its own; the demo's truth codes its AU14 event so); '' for no AUs (nothing moved to classify)."""
    present = set(aus)
    best, best_len = "", 0
    for emotion, combos in FACS_OBJECTIVE_CLASSES.values():
        for combo in combos:
            if set(combo) <= present and len(combo) > best_len:
                best, best_len = emotion, len(combo)
    if best or not present:
        return best
    return next((emotion for emotion, combos in FACS_OBJECTIVE_CLASSES.values() if not combos), "")


def objective_class(aus: Iterable[int]) -> str:
    """The objective class (its numeral, "I" to "VII") of a set of AUs, as objective_emotion finds it: how MEGC2018
    labelled CASME II, whose sheet codes no objective class; '' for no AUs."""
    emotion = objective_emotion(aus)
    return next((roman for roman, (e, _) in FACS_OBJECTIVE_CLASSES.items() if e == emotion), "") if emotion else ""


_ROMAN = {str(i): roman for i, roman in enumerate(FACS_OBJECTIVE_CLASSES, start=1)}


def read_objective_class(text: str) -> str | None:
    """An objective-class cell as the sheets write it (SAMM "3" or "3.0", CAS(ME)^3 "III", "Class III", "class 3")
    -> its numeral "III"; '' for a blank cell (not coded); None for text that is no class I-VII."""
    t = re.sub(r"^(?:objective\s*)?class\s*", "", (text or "").strip(), flags=re.IGNORECASE).strip().upper()
    if t in ("", "NULL", "NAN", "NONE", "-", "/"):
        return ""
    t = re.sub(r"^(\d+)\.0+$", r"\1", t)
    if t in FACS_OBJECTIVE_CLASSES:
        return t
    return _ROMAN.get(t)


# ------------------------------------------------------------------------------------------ AU strings
# The one AU grammar. What an event stores is the canonical string ``4+7+L12C``: terms joined by "+", each an
# optional side (L or R, as FACS coders write unilateral AUs), the AU number 1-99 and an optional intensity letter
# A-E (FACS intensity). :func:`parse_aus` / :func:`normalize_aus` check that grammar (merstudio.project.Event uses
# them); :func:`read_aus` reads AU text as coders and other tools write it (``AU6+AU12``, ``AU04, AU07``, ``12L``,
# ``4|7``, ``6 12``, ``0`` for a neutral face) into it, and names the tokens it cannot read (``AD19``, ``T14``).
_AU_TERM = re.compile(r"^([LR]?)(\d{1,2})([A-E]?)$")
# a term as tools write it: "AU" prefix, zero padding, the side before or after the number ("L12", "12L")
_LOOSE_TERM = re.compile(r"^(?:AU)?([LR]?)0*(\d{1,2})([A-E]?)([LR]?)$", re.IGNORECASE)
_NO_AUS = frozenset({"", "NONE", "NULL", "NAN", "NA", "N/A", "-", "/"})  # spellings of "no AUs"


def _terms_text(text: str) -> str:
    """"+" between terms: a space inside a term ("L 12", "AU 4") is no separator; between terms it is one, never a
    merge ("1 2" is AU1 and AU2, not AU12). The case is kept."""
    text = re.sub(r"\s*\+\s*", "+", (text or "").strip())
    return re.sub(r"\s+", "+", re.sub(r"(?i)(?<=\b[LR])\s+|(?<=\bAU)\s+", "", text))


def parse_aus(text: str) -> list[tuple[str, int, str]]:
    """Parse a canonical FACS AU string such as ``4+7``, ``L12``, ``1+2+L12`` into (side, au, intensity) terms.

    Raises ValueError with a one-line reason on a malformed string. The empty string means "no AUs". AU text as
    other tools write it (``AU04, AU07``) is :func:`read_aus`'s."""
    text = _terms_text(text).upper()
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


class AUReading(NamedTuple):
    """What :func:`read_aus` made of a cell: the canonical AU string of the terms it read, and the tokens (as
    written) it could not read."""

    aus: str
    unreadable: tuple[str, ...]

    @property
    def only_aus(self) -> bool:
        """The text was AUs and nothing else (``AU4``, ``L12``; not ``strong``, not ``AD19``)."""
        return bool(self.aus) and not self.unreadable


def read_aus(text: str) -> AUReading:
    """AU text as coders and tools write it -> the canonical AU string, and the tokens that are no AU term.

    Separators: ``+ , ; |`` and spaces between terms. A term: an optional ``AU`` prefix, the side before or after
    the number (``L12``, ``12L``), zero padding (``AU04``), an intensity letter A-E (``12C``), any case. ``0``
    alone (FACS's neutral face) and the spellings of nothing (``none``, ``NULL``, ``-``) are no AUs. A repeated term
    is read once; the same AU again with another intensity, numbers outside 1-99, action descriptors (``AD19``) and
    other codes (``T14``, ``12?``) are unreadable: the caller keeps them where a person can see them."""
    raw = (text or "").strip()
    if raw.upper() in _NO_AUS:
        return AUReading("", ())
    tokens = [t for t in re.split(r"[+,;|]+", _terms_text(raw)) if t]
    if len(tokens) == 1 and re.fullmatch(r"(?:AU)?0+", tokens[0], re.IGNORECASE):  # FACS's neutral face: no AU
        return AUReading("", ())
    terms: list[str] = []
    seen: dict[tuple[str, int], str] = {}
    bad: list[str] = []
    for tok in tokens:
        m = _LOOSE_TERM.match(tok)
        side = (m.group(1) or m.group(4)).upper() if m else ""
        if m is None or (m.group(1) and m.group(4)) or not 1 <= int(m.group(2)) <= 99:
            bad.append(tok)
            continue
        term = f"{side}{int(m.group(2))}{m.group(3).upper()}"
        key = (side, int(m.group(2)))
        if key in seen:
            if seen[key] != term:
                bad.append(tok)  # the same AU with two intensities: which one is meant is the coder's call
            continue
        seen[key] = term
        terms.append(term)
    return AUReading("+".join(terms), tuple(bad))

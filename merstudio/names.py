"""Names and limits the command line's parsers show (choices, help texts), kept apart from the modules that use them:
building every parser (`merstudio --help`, any command's argument check) must import no cv2, numpy or pandas
(half a second before). Each is defined here only; its module re-exports it (features.flow, io.frames,
analysis.pipeline), and either import is the same object. And how people's and labels' names (coders, emotions,
classes) compare and sort as their readers do: :func:`fold_name`, :func:`name_sort_key`."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Optical flow methods (merstudio.features.flow says what each is and costs).
FLOW_METHODS = ("dis", "dis_fast", "farneback", "tvl1")
# An analysis' flow is its micro-motion lane's: a micro-expression's small local movements, which dis_fast reads
# several-fold too small (smile_man.mp4's smile onset: motion 1.14 against dis's 2.40, the mouth 0.74 against
# 2.37; 8 times a still stretch's median against dis's 13) to save ~1.5 ms a face and frame. A checkpoint's
# model input is computed with its own recorded method, whatever the analysis' flow.
ANALYSIS_FLOW_METHODS = tuple(m for m in FLOW_METHODS if m != "dis_fast")

# What a folder is searched for (batches, the app's Videos filter, a moved video's search; matched lower-cased):
# every container FFmpeg opens that cameras and archives write, tapes (.dv: dvgrab), DVDs (.vob), camcorders (.mts,
# .m2ts, .m2t: HDV; .mod/.tod: MPEG-PS), broadcast (.mxf), phones (.3gp, .3g2), the web (.ogv, .f4v, .asf).
VIDEO_EXTENSIONS = frozenset({".mp4", ".avi", ".mov", ".mkv", ".m4v", ".webm", ".mpg", ".mpeg", ".wmv", ".flv",
                              ".ts", ".mts", ".m2ts", ".m2t", ".3gp", ".3g2", ".dv", ".vob", ".mod", ".tod", ".mxf",
                              ".ogv", ".m2v", ".f4v", ".asf", ".divx"})

# Faces an analysis follows per frame by default (merstudio.analysis.pipeline.face_limit). Every tracked face costs
# on every frame of a video; a photo is one frame, and group photos hold more than four.
VIDEO_MAX_FACES = 4
PHOTO_MAX_FACES = 16
FACE_LIMIT_AUTO = f"{VIDEO_MAX_FACES} in a video, {PHOTO_MAX_FACES} in a photo"  # what None means, in words


# Turkish and Azeri write I/ı and İ/i: str.casefold maps 'İ' to 'i' + U+0307 and keeps 'ı', so 'İğrenme' and
# 'iğrenme', 'Irkılma' and 'ırkılma' would differ. Folded to the plain 'i' (as a Turkish reader's ignoring case does).
_DOT_ABOVE_I = "i\u0307"


def fold_name(name: str) -> str:
    """A name or label as it compares with letter case ignored, the one rule for coders, emotion labels and class
    names: Unicode NFKC (a Mac's decomposed "Zoë" is the typed one, full-width "ｊｏｙ" is "joy"), casefolded
    ("Straße" is "strasse"), the Turkish dotted and dotless i one letter ('İlker' is 'ilker', 'Irkılma' is
    'ırkılma'). Only comparisons use it: a name is shown as its user wrote it."""
    if name.isascii():  # most names, and every keystroke of the events filter folds each row's text: a tenth the time
        return name.lower()
    folded = _nfkc(name).casefold().replace(_DOT_ABOVE_I, "i").replace("ı", "i")
    return _nfkc(folded)  # casefold may decompose a letter (U+01F0 to j + U+030C)


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


# letters no Unicode decomposition takes to a base letter, sorted beside it as their readers expect ('Øystein'
# among the O's, 'Łukasz' among the L's)
_BASE_LETTERS = str.maketrans({"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th"})
_DIGIT_RUNS = re.compile(r"([0-9]+)")


def name_sort_key(name: str) -> tuple[Any, ...]:
    """Sort key of names (coders, emotion labels, classes) in the order people read them, the same on every machine
    (not the locale's collation, which differs between machines): letter case and accents ignored ('alice, Änne,
    Bob, Zoë'; 'ärger' before 'Freude'), numbers by value ('coder2' before 'coder10'); names equal so far by
    :func:`fold_name`, then by the name itself, so that the order is total and repeatable."""
    folded = fold_name(name)
    plain = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    parts = _DIGIT_RUNS.split(plain.translate(_BASE_LETTERS))
    # re.split with a group alternates text (even positions) and digits (odd): positions compare like with like
    return tuple(int(p) if k % 2 else p for k, p in enumerate(parts)), folded, name

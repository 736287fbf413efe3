"""Colours of AUs, classes and emotions, one rule for every view: the app's timeline, the summary PNG of an export
and `merstudio analyze --plot` draw a class or an AU alike (Qt-free: plain hex strings)."""

from __future__ import annotations

import zlib

from merstudio.features.aus import AUS

# one colour per AU of OpenFace 2's 17 (AUS order: AU01 is always the first colour, AU12 the ninth, whichever AUs a
# table has or the view shows), all readable on white; see au_colour
AU_COLOURS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324",
              "#469990", "#800000", "#808000", "#000075", "#a9a9a9", "#000000", "#c9a400", "#7570b3", "#ff69b4")
EMOTION_COLOURS = {"positive": "#2e7d32", "happiness": "#2e7d32", "negative": "#c62828", "disgust": "#6a1b9a",
                   "repression": "#5d4037", "surprise": "#f9a825", "others": "#546e7a", "tense": "#ad1457",
                   "fear": "#4527a0", "sadness": "#1565c0", "anger": "#b71c1c", "contempt": "#4e342e"}
NONE_COLOUR = "#9e9e9e"  # the model's "none" class: grey, behind the named classes
UNNAMED_EMOTION_COLOUR = "#1e88e5"  # an event without an emotion


def stable_pick(name: str) -> str:
    """A palette colour from the name alone (crc32: the same in every run, unlike hash())."""
    return AU_COLOURS[zlib.crc32(name.encode("utf-8")) % len(AU_COLOURS)]


def emotion_colour(name: str) -> str:
    """An emotion label's colour (events, proposals' suggestions): fixed for the usual labels, else from the name."""
    if name in EMOTION_COLOURS:
        return EMOTION_COLOURS[name]
    return stable_pick(name) if name else UNNAMED_EMOTION_COLOUR


def class_colour(col: str) -> str:
    """A class curve's colour (``p_<class>`` or the class name): a fixed function of the class name, so a live run,
    a reopened project and an overlay of another model draw a class alike, whatever the column order."""
    name = col[2:] if col.startswith("p_") else col
    if name == "none":
        return NONE_COLOUR
    return EMOTION_COLOURS.get(name.lower()) or stable_pick(name)


def au_colour(col: str) -> str:
    """An AU's colour (``AUxx_r``, ``AUxx_m``..): fixed per AU number (its place in OpenFace 2's 17), so toggling
    AUs or a table with fewer AUs never recolours one."""
    try:
        n = int(col[2:4])
    except ValueError:
        return stable_pick(col)
    return AU_COLOURS[AUS.index(n)] if n in AUS else stable_pick(f"AU{n:02d}")

"""Colours of AUs, classes and emotions, one rule for every view: the app's timeline, the summary PNG of an export
and `merstudio analyze --plot` draw a class or an AU alike (Qt-free: plain hex strings). Every colour here reads as a
line on white: at least LINE_CONTRAST (WCAG's 3:1 for graphics, which a 1-px curve is). Text in them needs 4.5:1
(gui.look.readable darkens them for the readout)."""

from __future__ import annotations

import zlib

from merstudio.facs import FACS_OBJECTIVE_CLASSES
from merstudio.features.aus import AUS
from merstudio.model.columns import NONE_CLASS, class_key

LINE_CONTRAST = 3.0  # WCAG 2.1 non-text contrast: a curve, a legend sample, a tick on white
# one colour per AU of OpenFace 2's 17 (AUS order: AU01 is always the first colour, AU12 the ninth, whichever AUs a
# table has or the view shows); see au_colour. Every AU is in one lane, so each pair is told apart by colour-blind
# coders too: at least 11 apart in CIELAB under Machado et al.'s (2009) deuteranopia, protanopia and tritanopia and 26
# in normal vision (AU05/AU15 were 0.7 apart under protanopia, AU01/AU02 1.0 and AU12/AU45 1.8 under deuteranopia),
# each moved at most 20 from the colour it had (lightness first: AU12 darker, AU02 lighter)
AU_COLOURS = ("#c00048", "#38a848", "#0050e0", "#e07040", "#911eb4", "#6898b8", "#f032e6", "#885010",
              "#287058", "#800000", "#807800", "#000075", "#a88880", "#000000", "#c08800", "#504080", "#e0439a")
# emotions after Okabe & Ito's colour-blind-safe set: positive blue, negative vermillion, surprise reddish purple, far
# apart in lightness and on the blue-yellow axis a deuteranope keeps (the green and red of before were 2.2 apart under
# deuteranopia as the events track's pale fill); the rarer labels dark and apart from those three. The events track
# names each emotion on its bar too (gui.timeline_items.emotion_tags): colour is never the only cue
EMOTION_COLOURS = {"positive": "#0072b2", "happiness": "#0072b2", "negative": "#d55e00", "surprise": "#cc79a7",
                   "disgust": "#1b7837", "repression": "#993404", "others": "#5c5c5c", "tense": "#762a83",
                   "fear": "#003d73", "sadness": "#6a51a3", "anger": "#8c1c00", "contempt": "#7a5c00"}
# the FACS objective classes as `--classes objective` names them ("I happiness" ... "VII others"): their emotion's
# colour (another dataset's spelling of one class, SAMM's "Other", is class_key's own: CLASS_ALIASES)
EMOTION_ALIASES = {class_key(f"{k} {emotion}"): emotion for k, (emotion, _) in FACS_OBJECTIVE_CLASSES.items()}
NONE_COLOUR = "#8a8a8a"  # the model's "none" class: grey, behind the named classes (3.4:1; #9e9e9e was 2.7)
UNNAMED_EMOTION_COLOUR = "#78909c"  # an event without an emotion: blue-grey (the blue of before was positive's hue)
# a class curve's dash pattern (dash, gap, .. in line widths; () solid): a second cue beside its colour, the same in
# the app's class lane (QPen.setDashPattern) and the summary PNG (matplotlib's (0, dashes)); other classes cycle
CLASS_DASHES = {"negative": (), "positive": (6.0, 3.0), "surprise": (1.5, 2.0), "none": (4.0, 2.0, 1.0, 2.0)}
DASH_CYCLE = ((), (6.0, 3.0), (1.5, 2.0), (4.0, 2.0, 1.0, 2.0), (10.0, 3.0))
# an AU curve's dash pattern (in px: a curve's pen is 1 px): six, dealt in turn to the AUs taken from darkest to
# lightest in greyscale, so that the 2-3 AUs of one pattern are six grey steps apart: at least 21 of 255 (AU02 and
# AU20), the most any dealing can give (the seven AUs from AU02 to AU20 lie within 21.1 of grey, so two of them share
# one of the six). With four (h178) a pattern's AUs were 16-18 apart: AU04/AU10 solid, AU02/AU05 dotted read as one.
# Of the six groups AU12's is solid and AU04's long-dashed (the commonest AUs in micro-expression sets; short dashes
# or dots on a jagged curve read as noise), AU06's (with AU12 in a smile) dash-dot; neighbours in grey differ in
# pattern too. Each pattern repeats within 13 px, so that the legend's 12-px sample shows it (long
# dashes one 9-px dash, dash-dot a 6-px dash and a 2-px one, dash-dot-dot a 5-px dash and two dots). Fixed per AU,
# as its colour; every AU of OpenFace's 17 is shown by default, so these are the curves seen together
AU_DASHES = ((6.0, 2.0, 2.0, 2.0), (), (1.0, 2.0), (5.0, 2.0, 1.0, 2.0, 1.0, 2.0), (9.0, 3.0), (4.0, 3.0))


def stable_pick(name: str) -> str:
    """A palette colour from the name alone (crc32: the same in every run, unlike hash())."""
    return AU_COLOURS[zlib.crc32(name.encode("utf-8")) % len(AU_COLOURS)]


def colour_key(name: str) -> str:
    """The name an emotion or class is coloured by: model.columns.class_key (case, spacing and '_' ignored: an
    event 'Surprise', the curve p_surprise and an older column p_class_i for 'class i' alike), aliases resolved."""
    key = class_key(name)
    return EMOTION_ALIASES.get(key, key)


def emotion_colour(name: str) -> str:
    """An emotion label's colour (events, proposals' suggestions): fixed for the usual labels, else from the name;
    the same as its class curve's (class_colour), compared by colour_key."""
    key = colour_key(name)
    if not key:
        return UNNAMED_EMOTION_COLOUR
    if key == NONE_CLASS:
        return NONE_COLOUR
    return EMOTION_COLOURS.get(key) or stable_pick(key)


def class_colour(col: str) -> str:
    """A class curve's colour (``p_<class>`` or the class name): a fixed function of the class name, so a live run,
    a reopened project and an overlay of another model draw a class alike, whatever the column order, and as an
    event of that emotion (emotion_colour)."""
    return emotion_colour(col[2:] if col.startswith("p_") else col)


def class_dash(col: str) -> tuple[float, ...]:
    """A class curve's dash pattern (``p_<class>`` or the class name; () solid): fixed by the class name, as its
    colour, so that classes alike in colour to a colour-blind coder still differ (negative solid, positive dashed,
    surprise dotted, none dash-dot)."""
    name = colour_key(col[2:] if col.startswith("p_") else col)
    if name in CLASS_DASHES:
        return CLASS_DASHES[name]
    return DASH_CYCLE[zlib.crc32(name.encode("utf-8")) % len(DASH_CYCLE)]


def class_linestyle(col: str) -> str | tuple[float, tuple[float, ...]]:
    """A class curve's dash pattern as matplotlib takes it (the analyze plot and the export summary alike)."""
    dash = class_dash(col)
    return (0.0, dash) if dash else "-"


def au_colour(col: str) -> str:
    """An AU's colour (``AUxx_r``, ``AUxx_m``..): fixed per AU number (its place in OpenFace 2's 17), so toggling
    AUs or a table with fewer AUs never recolours one."""
    try:
        n = int(col[2:4])
    except ValueError:
        return stable_pick(col)
    return AU_COLOURS[AUS.index(n)] if n in AUS else stable_pick(f"AU{n:02d}")


def grey_level(colour: str) -> float:
    """"#rrggbb" as greyscale shows it, 0..255 (ITU-R 601 luma on the sRGB values: PIL's and OpenCV's conversion)."""
    r, g, b = hex_rgb(colour)
    return 255 * (0.299 * r + 0.587 * g + 0.114 * b)


def _au_dash_table() -> dict[int, tuple[float, ...]]:
    darkest_first = sorted(AUS, key=lambda n: (grey_level(AU_COLOURS[AUS.index(n)]), AUS.index(n)))
    return {n: AU_DASHES[rank % len(AU_DASHES)] for rank, n in enumerate(darkest_first)}


def au_dash(col: str) -> tuple[float, ...]:
    """An AU curve's dash pattern (``AUxx_r``, ``AUxx_m``..; () solid): a second cue beside au_colour, fixed per AU
    number as it is, the same in the app's AU and motion lanes and in matplotlib's plots (au_linestyle)."""
    try:
        n = int(col[2:4])
    except ValueError:
        n = -1
    if n in _AU_DASH:
        return _AU_DASH[n]
    return AU_DASHES[zlib.crc32(col[:4].encode("utf-8")) % len(AU_DASHES)]  # not one of the 17: stable


def au_linestyle(col: str) -> str | tuple[float, tuple[float, ...]]:
    """An AU curve's dash pattern as matplotlib takes it (a plot of AU curves on one axis, as the export summary's)."""
    dash = au_dash(col)
    return (0.0, dash) if dash else "-"


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour given as three 0..1 values (0 black .. 1 white)."""

    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def hex_rgb(colour: str) -> tuple[float, float, float]:
    """"#rrggbb" -> three 0..1 values."""
    h = colour.lstrip("#")
    return int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two sRGB colours (1 .. 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_AU_DASH = _au_dash_table()  # (here: it needs grey_level's hex_rgb)

"""One colour rule for every view (the app's timeline, an export's summary PNG, `analyze --plot`)."""

from __future__ import annotations

from merstudio.palette import AU_COLOURS, NONE_COLOUR, au_colour, class_colour, emotion_colour


def test_a_class_has_one_colour_by_its_name_whatever_the_column() -> None:
    assert class_colour("p_negative") == class_colour("negative") == emotion_colour("negative")
    assert class_colour("p_Positive") == emotion_colour("positive")  # a checkpoint's capitalised class
    assert class_colour("p_none") == NONE_COLOUR
    odd = class_colour("p_boredom")  # a class of someone's own model: stable, from the palette
    assert odd == class_colour("boredom") and odd in AU_COLOURS


def test_an_event_without_an_emotion_and_an_unknown_one() -> None:
    assert emotion_colour("") != emotion_colour("negative")
    assert emotion_colour("boredom") == emotion_colour("boredom") in AU_COLOURS


def test_au_colours_follow_the_au_number() -> None:
    assert au_colour("AU12_r") == au_colour("AU12_m") == AU_COLOURS[8]  # AU12 is the ninth of OpenFace's 17
    assert au_colour("AU01_c") == AU_COLOURS[0]
    assert au_colour("AU43_r") in AU_COLOURS  # not one of the 17: still stable


def test_objective_classes_take_their_emotions_colour():
    """`--classes objective` names classes 'I happiness' ... 'VII others' (h285): drawn in happiness's, others'
    colour, as the coder's 'happiness' event beside them; 'class i' (another lab's name) is not an objective one."""
    from merstudio.palette import class_colour, emotion_colour

    assert emotion_colour("I happiness") == emotion_colour("happiness") == class_colour("p_I happiness")
    assert emotion_colour("VII others") == emotion_colour("others")
    assert emotion_colour("IV disgust") == emotion_colour("disgust")
    assert emotion_colour("class i") != emotion_colour("happiness")

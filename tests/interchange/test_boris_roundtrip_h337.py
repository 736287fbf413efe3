"""BORIS and ELAN round trips (a120 findings 2, 5, 7, 8; h337)."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.interchange import Media, read_events, write_boris_project, write_events
from merstudio.project.events import Event


@pytest.mark.parametrize("name", ["notes.eaf", "notes.boris.xlsx"])
def test_a_carriage_return_in_a_note_comes_back_through_xml(tmp_path: Path, name: str) -> None:
    # XML parsers normalise a raw CR (and CRLF) to LF: the writers escape it (&#13;)
    e = Event(video_id=0, onset=1, apex=2, offset=3, coder="ann", note="a\r\nb\rc", emotion="joy")
    path = tmp_path / name
    write_events([e], path, Media(path=str(tmp_path / "x.mp4"), fps=30.0))
    back = read_events(path, fps=30.0).events
    assert [x.note for x in back] == ["a\r\nb\rc"]


def _pairs(events: list[Event]) -> list[tuple[int, int, int, str]]:
    return sorted((e.onset, e.apex, e.offset, e.aus) for e in events)


@pytest.mark.parametrize("aus", [("6+12", "12"), ("", "12"), ("12", "")])
def test_overlapping_events_of_one_emotion_keep_their_own_apexes_through_boris(tmp_path: Path,
                                                                               aus: tuple[str, str]) -> None:
    # one coder, one emotion, other AUs: one observation; each apex went to the earliest-started open state
    events = [Event(video_id=0, onset=200, apex=230, offset=240, coder="ann", emotion="happiness", aus=aus[0]),
              Event(video_id=0, onset=212, apex=215, offset=245, coder="ann", emotion="happiness", aus=aus[1])]
    path = tmp_path / "p.boris"
    write_boris_project(events, path, Media("/v/clip.mp4", fps=30.0, frame_count=600))
    back = read_events(path, fps=30.0).accept()
    assert _pairs(back) == _pairs(events)
    swapped = [Event(video_id=0, onset=200, apex=215, offset=240, coder="ann", emotion="happiness", aus=aus[0]),
               Event(video_id=0, onset=212, apex=230, offset=245, coder="ann", emotion="happiness", aus=aus[1])]
    write_boris_project(swapped, path, Media("/v/clip.mp4", fps=30.0, frame_count=600))
    assert _pairs(read_events(path, fps=30.0).accept()) == _pairs(swapped)


def test_boris_aggregated_table_of_the_export_pairs_apexes_by_the_same_rule(tmp_path: Path) -> None:
    # BORIS's "Aggregated events" export of merstudio's .boris: modifiers "AU6|AU12" (or "AU6,AU12"), each apex a
    # POINT row whose comment is the one the .boris wrote
    head = ["Observation id", "Subject", "Behavior", "Modifiers", "Behavior type", "Start (s)", "Stop (s)",
            "Image index start", "Image index stop", "Comment start", "FPS (frame/s)", "coder"]
    rows = [head,
            ["clip - ann", "face 0", "happiness", "AU6|AU12", "STATE", "6.667", "8.033", "200", "241", "", "30", "ann"],
            ["clip - ann", "face 0", "apex", "", "POINT", "7.167", "7.167", "215", "215", "happiness (AU12)", "30",
             "ann"],
            ["clip - ann", "face 0", "happiness", "AU12", "STATE", "7.067", "8.200", "212", "246", "", "30", "ann"],
            ["clip - ann", "face 0", "apex", "", "POINT", "7.667", "7.667", "230", "230", "happiness (AU6,AU12)",
             "30", "ann"]]
    p = tmp_path / "aggregated.tsv"
    p.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    back = read_events(p, fps=30.0).accept()
    assert sorted((e.onset, e.apex, e.aus) for e in back) == [(200, 230, "6+12"), (212, 215, "12")]


def test_a_coder_taken_from_the_observation_id_is_said_with_the_way_to_name_one(tmp_path: Path) -> None:
    # BORIS's own tables name no coder: two coders' exports of one session read as one "coder", the session
    head = ["Observation id", "FPS (frame/s)", "Subject", "Behavior", "Modifier #1", "Behavior type", "Start (s)",
            "Stop (s)", "Media file name"]
    row = ["P01 session", "30.0", "No focal subject", "happiness", "AU12", "STATE", "1.500", "1.933", "clip.mp4"]
    p = tmp_path / "bob.tsv"
    p.write_text("\t".join(head) + "\n" + "\t".join(row) + "\n", encoding="utf-8")
    pv = read_events(p, fps=30.0)
    assert [e.coder for e in pv.events] == ["P01 session"]  # documented: it stays
    said = [n for n in pv.notes if "observation id" in n]
    assert len(said) == 1 and "'P01 session'" in said[0] and "--coder" in said[0]
    assert not [n for n in read_events(p, fps=30.0, coder="bob").notes if "observation id" in n]

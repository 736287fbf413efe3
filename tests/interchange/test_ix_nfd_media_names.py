"""The readers match a file's media name to the video imported into in either Unicode form: a Mac writes
"Gespräch" decomposed (NFD, a + U+0308), Linux and Windows composed (NFC); to the user it is one name."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from support.boris_tables import AGGREGATED_HEAD as HEAD
from support.elan_files import one_event_eaf

from merstudio.interchange import (
    Media,
    read_boris_project,
    read_eaf,
    read_events,
    read_events_csv,
    write_events,
)
from merstudio.project import Event

NFC = unicodedata.normalize("NFC", "Gespräch.mp4")
NFD = unicodedata.normalize("NFD", "Gespräch.mp4")


def test_the_spellings_differ():
    assert NFC != NFD and len(NFD) == len(NFC) + 1


def test_events_csv_rows_of_the_macs_spelling_are_the_videos(tmp_path):
    """A file of two videos: the NFD rows were skipped as "video 'Gespräch.mp4' is not 'Gespräch.mp4'"."""
    p = tmp_path / "two.csv"
    p.write_text(f"video,onset,apex,offset,emotion,coder\n{NFD},5,6,9,anger,bob\nother.mp4,20,21,22,fear,bob\n",
                 encoding="utf-8")
    prev = read_events_csv(p, fps=30.0, video_name=NFC)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(5, 6, 9)]
    assert [s.where for s in prev.skipped] == [f"{p.name}: row 3"]  # other.mp4's row only
    one = tmp_path / "one.csv"
    one.write_text(f"video,onset,apex,offset,emotion,coder\n{NFD},5,6,9,anger,bob\n", encoding="utf-8")
    assert not [n for n in read_events_csv(one, fps=30.0, video_name=NFC).notes if "is not" in n]


def _elan(path: Path, descriptors: str) -> Path:
    """As ELAN writes it (URLs as the path is), one annotation 100-500 ms."""
    return one_event_eaf(path, descriptors)


def test_elan_descriptor_named_in_the_macs_spelling_is_the_videos(tmp_path):
    """Two cameras, the face camera named in NFD with a 1000 ms offset: the events are placed on it (they were on
    the scene camera, first, with a note "none of the ELAN file's media ... is 'Gespräch.mp4'")."""
    eaf = _elan(tmp_path / "two.eaf",
                '<MEDIA_DESCRIPTOR MEDIA_URL="file:///Users/zoe/scene.mp4" MIME_TYPE="video/mp4" '
                'RELATIVE_MEDIA_URL="./scene.mp4"/>'
                f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///Users/zoe/{NFD}" MIME_TYPE="video/mp4" '
                f'RELATIVE_MEDIA_URL="./{NFD}" TIME_ORIGIN="1000"/>')
    prev = read_eaf(eaf, fps=25.0, video_name=NFC)
    assert prev.time_origin == 1000 and unicodedata.normalize("NFC", prev.media) == NFC
    # 100 + 1000 ms at 25 fps (40 ms a frame) is frame 27
    assert [e.onset for e in prev.events] == [27]
    assert not [n for n in prev.notes if "none of the ELAN file's media" in n]
    one = _elan(tmp_path / "one.eaf", f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///Users/zoe/{NFD}" '
                                      f'MIME_TYPE="video/mp4" RELATIVE_MEDIA_URL="./{NFD}"/>')
    assert not [n for n in read_eaf(one, fps=25.0, video_name=NFC).notes if "media is" in n]


def test_boris_table_rows_of_the_macs_spelling_are_the_videos(tmp_path):
    """An aggregated BORIS table of two media files: the NFD file's rows were left out as another file's."""
    rows = [("obs 1", NFD, "1.000", "2.000"), ("obs 2", "other.mp4", "3.000", "4.000")]
    p = tmp_path / "aggregated.tsv"
    p.write_text("\n".join([HEAD] + [f"{o}\t2016\t\t{m}\t60.000\t25.0\tNo focal subject\ts\t\t\tSTATE\t{a}\t{b}"
                                     "\t1.0\t\t" for o, m, a, b in rows]) + "\n", encoding="utf-8")
    prev = read_events(p, video_name=NFC)
    assert [e.onset for e in prev.events] == [25]  # 1.000 s at 25 fps
    assert [n for n in prev.notes if "left out" in n] == [f"1 row(s) of other media files than '{NFC}' left out"]


def test_boris_project_of_the_macs_spelling_is_the_video(tmp_path):
    """A .boris project whose observation plays the NFD file: no "the project's media file ... is not" note."""
    out = write_events([Event(0, 10, 12, 14, emotion="happiness", coder="zoe")], tmp_path / "p.boris",
                       Media(f"/Users/zoe/{NFD}", fps=25.0, frame_count=100))
    prev = read_boris_project(out, fps=25.0, video_name=NFC)
    assert [(e.onset, e.offset) for e in prev.events] == [(10, 14)]
    assert not [n for n in prev.notes if "is not" in n]

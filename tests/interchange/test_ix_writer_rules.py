"""The writers against the tools' own rules (audit a16): text XML cannot hold, BORIS's encoding, media paths and
lengths, modifier sets and numeric cells."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.cli.main import main
from merstudio.interchange import Media, read_events, write_boris, write_boris_project, write_eaf
from merstudio.project import Event
from merstudio.xlsx import write_xlsx

NOTE = "first line\x0bsecond\x01 end\x0c"  # Word's shift-enter (\x0b), a stray control, a form feed


def test_xml_text_keeps_tabs_and_line_breaks_and_marks_the_rest():
    from merstudio.xlsx import xml_text

    assert xml_text("a\tb\nc\rd") == "a\tb\nc\rd"
    assert xml_text(NOTE) == "first line\nsecond\ufffd end\n"
    assert xml_text("\x00\ufffe\ud800") == "\ufffd" * 3


def test_an_imported_note_keeps_its_line_break_and_loses_the_control_character():
    e = Event(0, 1, 2, 3, emotion="joy\x01", coder="al\x1fice", note=NOTE).validated()
    assert (e.note, e.emotion, e.coder) == ("first line\nsecond\ufffd end\n", "joy\ufffd", "al\ufffdice")


def test_eaf_with_control_characters_is_xml_that_reads_back(tmp_path, media):
    path = write_eaf([Event(0, 10, 12, 20, emotion="joy", aus="12", coder="ann", note=NOTE)], tmp_path / "c.eaf",
                     media, extra_tiers={"other": ("ann\x02", [(1, 3, "look\x0baway\x07")])})
    root = ET.parse(path).getroot()  # well-formed: ELAN (and our reader) open it
    assert [t.get("ANNOTATOR") for t in root.iter("TIER") if t.get("TIER_ID") == "other"] == ["ann\ufffd"]
    assert "look\naway\ufffd" in [v.text for v in root.iter("ANNOTATION_VALUE")]
    assert read_events(path, fps=30.0).events[0].note == "first line\nsecond\ufffd end\n"


def test_workbooks_with_control_characters_are_written(tmp_path, media):
    import openpyxl

    ev = Event(0, 10, 12, 20, emotion="joy", aus="12", coder="ann", note=NOTE)
    path = write_boris([ev], tmp_path / "c.xlsx", media)  # openpyxl's IllegalCharacterError before
    write_xlsx(tmp_path / "r.xlsx", "events", ["note"], [["a\x01b"]])  # the events report's writer
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("Comment start") + 1).value == "first line\nsecond\ufffd end\n"
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").active["A2"].value == "a\ufffdb"


def test_boris_project_is_ascii_json_and_names_come_back(tmp_path, media):
    ev = Event(0, 10, 12, 20, emotion="joie", aus="12", coder="Łukasz", note="é, 笑")
    m = Media(path=str(tmp_path / "vidé.mp4"), fps=30.0, frame_count=100)
    raw = write_boris_project([ev], tmp_path / "c.boris", m).read_bytes()
    raw.decode("ascii")  # BORIS reads in the system's encoding (cp1252 on Windows): plain ASCII reads the same
    assert raw.decode("cp1252") == raw.decode("utf-8")
    obs = next(iter(json.loads(raw)["observations"].values()))
    assert obs["file"]["1"] == [str(tmp_path / "vidé.mp4")]
    prev = read_events(tmp_path / "c.boris", fps=30.0)
    assert prev.ok and (prev.events[0].coder, prev.events[0].note) == ("Łukasz", "é, 笑")


def _events_csv(path: Path) -> Path:
    path.write_text("video,onset,apex,offset,emotion,aus,coder\nclip.avi,10,15,20,happiness,6+12,ann\n",
                    encoding="utf-8")
    return path


def test_convert_reads_a_relative_media_path_from_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sp ace" / "vidé").mkdir(parents=True)
    clip = tmp_path / "sp ace" / "vidé" / "clip.mp4"
    clip.write_bytes(b"not decoded here")
    src = _events_csv(tmp_path / "ann.csv")
    for out in ("sp ace/o.eaf", "sp ace/o.boris"):
        assert main(["convert", str(src), out, "--media", "sp ace/vidé/clip.mp4", "--fps", "30"]) == 0, \
            capsys.readouterr().err
    md = ET.parse(tmp_path / "sp ace" / "o.eaf").getroot().find("HEADER/MEDIA_DESCRIPTOR")
    assert md is not None
    assert md.get("MEDIA_URL") == clip.resolve().as_uri()
    assert md.get("RELATIVE_MEDIA_URL") == "./vidé/clip.mp4"
    obs = next(iter(json.loads((tmp_path / "sp ace" / "o.boris").read_text())["observations"].values()))
    assert obs["file"]["1"] == [str(clip.resolve())] and Path(obs["file"]["1"][0]).is_file()


def test_converted_boris_project_has_the_videos_length(tmp_path, capsys):
    clip = write_clip(tmp_path / "clip.avi", n=40)
    src = _events_csv(tmp_path / "ann.csv")
    assert main(["convert", str(src), str(tmp_path / "o.boris"), "--media", str(clip)]) == 0, capsys.readouterr().err
    from merstudio.io import open_source

    with open_source(clip) as src_:
        seconds = src_.frame_count / src_.fps
    obs = next(iter(json.loads((tmp_path / "o.boris").read_text())["observations"].values()))
    assert obs["media_info"]["length"][str(clip)] == pytest.approx(seconds, abs=0.002)


def test_converted_boris_project_without_its_video_gets_a_length_past_the_events(tmp_path, capsys):
    src = _events_csv(tmp_path / "ann.csv")
    assert main(["convert", str(src), str(tmp_path / "o.boris"), "--fps", "30"]) == 0
    err = capsys.readouterr().err
    obs = next(iter(json.loads((tmp_path / "o.boris").read_text())["observations"].values()))
    (length,) = obs["media_info"]["length"].values()
    assert length == pytest.approx(21 / 30 + 1.0, abs=0.002)  # the last event's end (frame 21's start) + 1 s
    assert "not known" in obs["description"] and "length" in err


def test_boris_tables_join_the_aus_as_one_modifier_set_and_old_tables_still_read(tmp_path, media):
    ev = Event(0, 10, 12, 20, emotion="joy", aus="4+7+L12", coder="ann")
    path = write_boris([ev], tmp_path / "c.tsv", media)
    header, row = (ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines())
    assert header[header.index("Subject") - 1] == "FPS (frame/s)"  # BORIS 8 and later's names
    assert row[header.index("Modifier #1")] == "AU4,AU7,L12"  # "|" would be three modifier sets in BORIS
    assert read_events(path, fps=30.0).events[0].aus == "4+7+L12"
    old = tmp_path / "old.tsv"
    text = path.read_text(encoding="utf-8")  # as our earlier exports wrote it: BORIS 7's names, "|" between AUs
    for new, was in (("AU4,AU7,L12", "AU4|AU7|L12"), ("Modifier #1", "Modifiers"), ("FPS (frame/s)", "FPS")):
        text = text.replace(new, was)
    old.write_text(text, encoding="utf-8")
    prev = read_events(old, fps=30.0)
    assert prev.ok and prev.fps == 30.0 and prev.events[0].aus == "4+7+L12"


def test_boris_workbook_numbers_are_numbers_under_a_frozen_header(tmp_path, media):
    import openpyxl

    ev = Event(0, 10, 12, 20, emotion="joy", aus="12", coder="ann", confidence=0.5)
    ws = openpyxl.load_workbook(write_boris([ev], tmp_path / "c.xlsx", media)).active
    header = [c.value for c in ws[1]]
    for name in ("Start (s)", "Stop (s)", "Duration (s)", "Apex (s)", "Media duration (s)", "FPS (frame/s)",
                 "Confidence"):
        cell = ws.cell(2, header.index(name) + 1)
        assert cell.data_type == "n" and isinstance(cell.value, int | float), name
    assert ws.cell(2, header.index("Start (s)") + 1).value == pytest.approx(0.334)
    assert ws.freeze_panes == "A2"
    assert read_events(tmp_path / "c.xlsx", fps=30.0).events[0].onset == 10  # reads back


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
def test_a_media_path_from_another_system_is_kept_as_written(tmp_path, capsys):
    src = _events_csv(tmp_path / "ann.csv")
    assert main(["convert", str(src), str(tmp_path / "o.boris"), "--fps", "30", "--media", "C:/data/clip.avi"]) == 0
    obs = next(iter(json.loads((tmp_path / "o.boris").read_text())["observations"].values()))
    assert obs["file"]["1"] == ["C:/data/clip.avi"]


def test_boris_project_has_the_sections_boris_9_adds_on_opening(tmp_path, media):
    ev = Event(0, 10, 12, 20, emotion="joy", aus="12", coder="ann")
    pj = json.loads(write_boris_project([ev], tmp_path / "c.boris", media).read_text())
    assert pj["behavioral_categories_config"] == {}  # else BORIS marks the project changed as it opens it
    obs = next(iter(pj["observations"].values()))
    assert obs["media_info"]["display"] == {media.path: "Nothing"}


def test_boris_project_says_whether_the_media_has_sound(tmp_path):
    av = pytest.importorskip("av")
    import numpy as np

    wav = tmp_path / "talk.wav"
    with av.open(str(wav), "w") as c:
        s = c.add_stream("pcm_s16le", rate=8000)
        s.layout = "mono"
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for pkt in [*s.encode(frame), *s.encode(None)]:
            c.mux(pkt)
    clip = write_clip(tmp_path / "clip.avi", n=5)  # no sound
    ev = Event(0, 1, 1, 2, emotion="joy", aus="12", coder="ann")
    for path, sound in ((wav, True), (clip, False), (tmp_path / "not here.mp4", False)):
        pj = json.loads(write_boris_project([ev], tmp_path / "c.boris", Media(str(path), fps=30.0)).read_text())
        assert next(iter(pj["observations"].values()))["media_info"]["hasAudio"] == {str(path): sound}

"""BORIS-style tables (TSV, CSV, XLSX): round trips, real BORIS exports without our columns, bad input."""

from __future__ import annotations

import csv

import pytest
from ix_helpers import canon, sample_events, write_xlsx

from merstudio.errors import FrameRateMismatch, InputError
from merstudio.interchange import (
    BORIS_COLUMNS,
    Media,
    commit_import,
    preview_import,
    read_boris,
    read_events,
    write_boris,
)
from merstudio.interchange.boris import COLUMNS
from merstudio.project.apex import APEX_IMPUTED


@pytest.mark.parametrize("ext", ["tsv", "csv", "xlsx"])
@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0, 200.0])
def test_round_trip(tmp_path, ext, fps):
    evs = sample_events()
    path = write_boris(evs, tmp_path / f"coded.{ext}", Media(str(tmp_path / "clip.mp4"), fps=fps, frame_count=99))
    prev = read_boris(path, fps=fps)
    assert prev.ok and prev.notes == [] and prev.media == "clip.mp4"
    assert canon(prev.accept()) == canon(evs)


@pytest.mark.parametrize("ext", ["tsv", "csv", "xlsx"])
def test_written_columns_are_borises_plus_frames(tmp_path, events, media, ext):
    path = write_boris(events, tmp_path / f"c.{ext}", media)
    if ext == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
    else:
        with path.open(newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t" if ext == "tsv" else ","))
    assert tuple(rows[0]) == COLUMNS and tuple(rows[0][:len(BORIS_COLUMNS)]) == BORIS_COLUMNS
    first = next(d for d in (dict(zip(rows[0], r, strict=True)) for r in rows[1:]) if d["Behavior"] == "happiness")
    # alice's happiness event 10..30 at 30 fps: [0.334, 1.034) s (frame starts rounded up to the ms, as ELAN
    # places them), 21 frames = 0.700 s
    # (a workbook holds the times as numbers, the text tables with three decimals)
    assert float(first["Start (s)"]) == 0.334 and float(first["Stop (s)"]) == 1.034
    assert float(first["Duration (s)"]) == 0.7 and str(first["Start frame"]) == "10"
    if ext != "xlsx":
        assert first["Duration (s)"] == "0.700"
    # the AUs one set of modifier values, joined as BORIS joins them ("|" separates sets)
    assert str(first["Stop frame"]) == "30" and first["Modifier #1"] == "AU6,L12" and first["Subject"] == "face 0"


def _boris_export(path, rows, header=("Observation id", "Observation date", "Media file name", "FPS", "Subject",
                                      "Behavior", "Modifiers", "Behavior type", "Start (s)", "Stop (s)",
                                      "Duration (s)", "Comment start")):
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(header)
        w.writerows(rows)
    return path


def test_a_real_boris_export_without_frame_columns(tmp_path):
    # what BORIS writes: times only, subjects by name, modifiers as the coder typed them, no apex
    path = _boris_export(tmp_path / "agg.tsv", [
        ["obs1", "2024-05-01", "/data/p01.mp4", "25.0", "Anna", "Happiness", "AU06|AU12", "STATE", "1.200",
         "1.640", "0.440", "clear"],
        ["obs1", "2024-05-01", "/data/p01.mp4", "25.0", "No focal subject", "blink", "", "POINT", "3.000",
         "3.000", "0.000", ""],
        ["obs1", "2024-05-01", "/data/p01.mp4", "25.0", "Anna", "Disgust", "AU09, AU10", "STATE", "4.013",
         "4.250", "0.237", ""],
    ])
    prev = read_boris(path, fps=25.0, video_name="p01.mp4", emotions={"HAPPINESS": "positive"})
    happy, blink, disgust = prev.accept()
    assert (happy.onset, happy.apex, happy.offset) == (30, 35, 40)  # 1.2 s * 25 = 30; stop 1.64 s -> frame 40
    assert happy.emotion == "positive" and happy.aus == "6+12" and happy.note == "clear " + APEX_IMPUTED  # apex: the middle
    assert happy.coder == "obs1" and happy.source == "imported" and happy.face_id == 0
    assert (blink.onset, blink.offset, blink.face_id) == (75, 75, 1)  # not Anna's face
    assert (disgust.onset, disgust.offset, disgust.aus) == (100, 106, "9+10")  # 4.013 s lies in frame 100
    assert any("subject 'Anna' read as face 0" in n for n in prev.notes)
    assert any("subject 'No focal subject' read as face 1" in n for n in prev.notes)
    assert any("no apex" in n for n in prev.notes)



def test_an_unchosen_modifier_set_is_no_modifier(tmp_path):
    """BORIS 7 joins the sets in one Modifiers cell and writes None for a set with nothing chosen."""
    path = _boris_export(tmp_path / "agg.tsv", [
        ["obs1", "2024-05-01", "/data/p01.mp4", "25.0", "Anna", "Happiness", "AU12|None", "STATE", "1.200",
         "1.640", "0.440", ""]])
    prev = read_boris(path, fps=25.0)
    assert prev.ok and not any("modifiers" in n for n in prev.notes)
    (happy,) = prev.accept()
    assert (happy.aus, happy.note) == ("12", APEX_IMPUTED)  # an aggregated state has no apex: the middle frame

BORIS9_HEADER = ("Observation id", "Observation date", "Description", "Observation type", "Source",
                 "Time offset (s)", "Coding duration", "Media duration (s)", "FPS (frame/s)", "Subject",
                 "Observation duration by subject by observation", "Behavior", "Behavioral category", "Modifier #1",
                 "Modifier #2", "Behavior type", "Start (s)", "Stop (s)", "Duration (s)", "Media file name",
                 "Image index start", "Image index stop", "Image file path start", "Image file path stop",
                 "Comment start", "Comment stop")


def _boris9_row(subject: str, behavior: str, mod1: str, mod2: str, start: str, stop: str) -> list[str]:
    return ["obs", "2018-02-28 15:25:10", "", "Media file", "player #1:p01.mp4", "0.0", "179.960", "179.960",
            "25.000", subject, "1.0", behavior, "Not defined", mod1, mod2, "STATE", start, stop, "0.600",
            "p01.mp4", "NA", "NA", "", "", "", ""]


def test_a_boris_8_export_modifiers_in_columns_fps_and_named_subjects(tmp_path):
    """The aggregated-events layout of BORIS 8 and 9 (header as BORIS 9.12 writes it): one column per modifier set,
    the rate as "FPS (frame/s)"; subjects by name beside "No focal subject"; a modifier set that is not AUs."""
    path = _boris_export(tmp_path / "b9.tsv", [
        _boris9_row("No focal subject", "happiness", "AU1", "AU12", "10.000", "10.600"),
        _boris9_row("Anna", "surprise", "AU4", "None", "20.000", "20.400"),
        _boris9_row("Bob", "negative", "strong", "AU15", "30.000", "30.400"),
    ], header=BORIS9_HEADER)
    prev = read_boris(path)  # the rate from the file
    assert prev.fps == 25.0 and prev.ok
    happy, surprise, neg = prev.accept()
    assert (happy.onset, happy.offset, happy.aus, happy.face_id) == (250, 264, "1+12", 0)
    assert (surprise.aus, surprise.face_id) == ("4", 1)
    assert (neg.aus, neg.face_id, neg.note) == ("15", 2, "modifiers: strong " + APEX_IMPUTED)
    assert any("not AUs kept in the events' notes: strong" in n for n in prev.notes)
    with pytest.raises(FrameRateMismatch):  # recorded at 25 fps: a 30 fps video would put every event 20 % late
        read_boris(path, fps=30.0)


def test_missing_columns_are_named(tmp_path):
    path = _boris_export(tmp_path / "bad.tsv", [["o", "Happiness", "1.0"]],
                         header=("Observation id", "Behavior", "Duration (s)"))
    with pytest.raises(InputError, match=r"missing column\(s\) Start \(s\), Stop \(s\)") as exc:
        read_boris(path, fps=25.0)
    assert "\n" not in str(exc.value)
    (tmp_path / "nobehav.csv").write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError, match="no header row with a Behavior column"):
        read_boris(tmp_path / "nobehav.csv", fps=25.0)
    path = _boris_export(tmp_path / "events.tsv", [["o", "0.0", "Happiness"]],
                         header=("Observation id", "Time", "Behavior"))
    with pytest.raises(InputError, match="no START/STOP column"):
        read_boris(path, fps=25.0)


BORIS9_TABULAR = ("Observation id", "Observation date", "Description", "Observation duration", "Observation type",
                  "Source", "Time offset (s)", "Media duration (s)", "FPS", "coder", "Subject", "Behavior",
                  "Behavioral category", "Modifier #1", "Behavior type", "Time", "Media file name", "Image index",
                  "Image file path", "Comment")


def _tabular_row(subject, behavior, modifier, flag, time, comment="", offset="0.0", source="player #1:/m/p01.mp4",
                 lengths="60.000", media="/m/p01.mp4"):
    return ["obs A", "2024-05-01 10:00:00", "", "60.0", "Media file(s)", source, offset, lengths, "25.000", "ann",
            subject, behavior, "", modifier, flag, time, media, "NA", "NA", comment]


def test_a_boris_tabular_events_export_is_paired(tmp_path):
    """BORIS's other export: one row per START, STOP or POINT (as export_tabular_events writes it since BORIS 8).
    At 25 fps: 1.2 s starts frame 30; the STOP at 1.64 s ends frame 40 (41 starts at 1.64 s); 3.0 s is frame 75."""
    path = _boris_export(tmp_path / "tab.tsv", [
        _tabular_row("Anna", "happiness", "AU12", "START", "1.200", "clear"),
        _tabular_row("Anna", "apex", "", "POINT", "1.400"),
        _tabular_row("Bob", "happiness", "AU12", "START", "1.300"),  # another subject: paired apart
        _tabular_row("Anna", "happiness", "AU12", "STOP", "1.640"),
        _tabular_row("Bob", "happiness", "AU12", "STOP", "2.000", "end"),
        _tabular_row("Anna", "blink", "", "POINT", "3.000"),
        _tabular_row("Anna", "surprise", "AU1,AU2", "START", "5.000"),  # never stopped
        ["live 1", "2024-05-01 10:00:00", "", "NA", "Live observation", "NA", "0.0", "NA", "NA", "ann", "Anna",
         "blink", "", "", "POINT", "2.000", "NA", "NA", "NA", ""],  # no video: left out, said
    ], header=BORIS9_TABULAR)
    prev = read_boris(path, fps=25.0)  # the coder from the observation's variable "coder", as .boris exports set it
    assert prev.format == "BORIS tsv (tabular events)"
    got = sorted((e.face_id, e.onset, e.apex, e.offset, e.emotion, e.aus, e.note, e.coder) for e in prev.events)
    assert got == [(0, 30, 35, 40, "happiness", "12", "clear", "ann"), (0, 75, 75, 75, "blink", "", "", "ann"),
                   (1, 32, 40, 49, "happiness", "12", "end " + APEX_IMPUTED, "ann")]  # 1.3 s lies in frame 32; no apex:
    # the middle, tagged as imputed (a point's one frame is no choice: untagged)
    assert [s.reason for s in prev.skipped] == ["'surprise' of 'Anna' starts at 5.000 s (line 8) and is never stopped"]
    assert "1 row(s) of live or image observations left out (no video to place them on)" in prev.notes


def test_time_offset_and_a_players_second_file_are_taken_off(tmp_path):
    """BORIS adds the observation's time offset to every time it stores, and times a player's second file from
    the start of its first: 12.4 s with a 2 s offset after a 10 s first file is 0.4 s of the second, frame 10."""
    two = dict(source="player #1:/m/a.mp4;/m/b.mp4", lengths="10.000;20.000", media="/m/b.mp4", offset="2.0")
    path = _boris_export(tmp_path / "tab.tsv", [_tabular_row("Anna", "blink", "", "POINT", "12.400", **two)],
                         header=BORIS9_TABULAR)
    assert [(e.onset, e.offset) for e in read_boris(path, fps=25.0).events] == [(10, 10)]
    agg = _boris_export(tmp_path / "agg.tsv", [
        ["obs", "2024-05-01", "player #1:/m/a.mp4;/m/b.mp4", "2.0", "10.000;20.000", "25.0", "Anna", "blink", "",
         "POINT", "12.400", "12.400", "/m/b.mp4"]],
        header=("Observation id", "Observation date", "Source", "Time offset (s)", "Media duration (s)", "FPS",
                "Subject", "Behavior", "Modifiers", "Behavior type", "Start (s)", "Stop (s)", "Media file name"))
    assert [(e.onset, e.offset) for e in read_boris(agg, fps=25.0).events] == [(10, 10)]


@pytest.mark.parametrize("ext", ["tsv", "xlsx"])
def test_frame_rate_mismatch_is_an_error_unless_overridden(tmp_path, events, ext):
    path = write_boris(events, tmp_path / f"c.{ext}", Media("clip.mp4", fps=25.0))
    with pytest.raises(InputError, match="frame rate 25 fps in the file differs from the video's 30 fps"):
        read_boris(path, fps=30.0)
    prev = read_boris(path, fps=30.0, fps_override=True)
    happy = next(e for e in prev.accept() if e.emotion == "happiness")
    # frames recomputed from the times: 0.4 .. 1.24 s at 30 fps
    assert (happy.onset, happy.apex, happy.offset) == (12, 18, 37)


def test_several_media_files(tmp_path, events):
    a = write_boris(events, tmp_path / "a.tsv", Media("/v/a.mp4", fps=30.0))
    b = write_boris(events[:2], tmp_path / "b.tsv", Media("/v/b.mp4", fps=30.0))
    both = tmp_path / "both.tsv"
    both.write_text(a.read_text() + "".join(b.read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(InputError, match="2 media files"):
        read_boris(both, fps=30.0)
    prev = read_boris(both, fps=30.0, video_name="b.mp4")
    assert len(prev.events) == 2 and not prev.skipped  # the user chose b.mp4: a.mp4's rows are no errors
    assert f"{len(events)} row(s) of other media files than 'b.mp4' left out" in prev.notes


def test_bad_rows_preview_and_all_or_nothing_import(tmp_path, project):
    vid = project.videos()[0].id
    path = write_boris(sample_events(vid), tmp_path / "c.xlsx", Media.from_video(project.video(vid)))
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    head = [c.value for c in ws[1]]
    ws.cell(row=2, column=head.index("Status") + 1, value="maybe")
    ws.cell(row=3, column=head.index("Start frame") + 1, value="ten")
    ws.cell(row=4, column=head.index("Confidence") + 1, value="high")
    ws.cell(row=5, column=head.index("Modifier #1") + 1, value="AU4|strong")  # kept: the AU read, the rest noted
    wb.save(path)
    prev = preview_import(project, path, vid)
    assert len(prev.skipped) == 3 and len(prev.events) == len(sample_events()) - 3
    reasons = " ".join(str(s) for s in prev.skipped)
    # named as the user finds them in the workbook: observation, behaviour, subject, start, sheet row
    assert "(row 2): status must be one of" in reasons and "(row 3): bad start frame 'ten'" in reasons
    assert "c.xlsx: observation 'alice', 'disgust' of 'face 0' at 0.400 s (row 4): bad confidence 'high'" in reasons
    assert any(e.aus == "4" and e.note.endswith("AUs as coded: AU4|strong") for e in prev.events)
    assert any("AU text merstudio cannot read (strong)" in n for n in prev.notes)
    with pytest.raises(InputError, match="nothing imported"):
        commit_import(project, prev)
    assert project.events(vid) == []
    assert len(commit_import(project, prev, skip_bad=True)) == len(sample_events()) - 3


def test_read_events_dispatches_on_the_name(tmp_path, events, media):
    write_boris(events, tmp_path / "c.csv", media)
    assert read_events(tmp_path / "c.csv", fps=30.0).format == "BORIS csv"
    write_xlsx(tmp_path / "empty.xlsx", [["Behavior", "Start (s)", "Stop (s)"]])
    assert read_events(tmp_path / "empty.xlsx", fps=30.0).events == []


def test_the_review_status_of_our_boris_projects_survives_borises_tabular_export(tmp_path):
    """Our .boris keeps rejected and proposed events in observations of their own, their status in the variable
    'review status'; BORIS's tabular export writes that variable as a column: the events keep their status (they
    came back as accepted coding)."""
    header = BORIS9_TABULAR[:10] + ("review status",) + BORIS9_TABULAR[10:]

    def row(status, flag, time):
        r = _tabular_row("face 0", "happiness", "AU12", flag, time)
        return r[:10] + [status] + r[10:]

    path = _boris_export(tmp_path / "tab.tsv", [row("accepted", "START", "1.200"), row("accepted", "STOP", "1.640"),
                                                row("rejected", "START", "2.000"), row("rejected", "STOP", "2.400"),
                                                row("proposal", "START", "3.000"), row("proposal", "STOP", "3.200")],
                         header=header)
    prev = read_boris(path, fps=25.0)
    assert [(e.onset, e.status) for e in prev.events] == [(30, "accepted"), (50, "rejected"), (75, "proposal")]

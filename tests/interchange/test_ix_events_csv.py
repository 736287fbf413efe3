"""Our events CSV: round trip, the project's report CSV as input, bad input."""

from __future__ import annotations

import csv

import pytest
from ix_helpers import canon, sample_events

from merstudio.errors import InputError
from merstudio.interchange import EVENT_CSV_COLUMNS, Media, read_events, read_events_csv, write_events
from merstudio.interchange.events_csv import write_events_csv


@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0, 200.0])
def test_round_trip(tmp_path, fps):
    evs = sample_events()
    path = write_events(evs, tmp_path / "e.csv", Media("/v/clip.mp4", fps=fps))
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == EVENT_CSV_COLUMNS
    prev = read_events(path, fps=fps)
    assert prev.format == "events CSV" and prev.media == "clip.mp4" and prev.ok
    assert canon(prev.accept()) == canon(evs)


def test_time_columns_are_frame_starts(tmp_path, events):
    path = write_events_csv(events, tmp_path / "e.csv", Media("clip.mp4", fps=200.0))
    row = next(r for r in csv.DictReader(path.open(newline="")) if r["emotion"] == "happiness")
    assert (row["onset"], row["onset_time"], row["offset_time"]) == ("10", "0.05", "0.15")


def test_times_keep_full_precision(tmp_path):
    """Frame 24001 at 24000/1001 fps (23.976: h336 reads it so) starts at 1001.0417083333333 s: written in full (not
    to the microsecond), read back to the same float and the same frame; a VFR video's decoder times too."""
    from merstudio.project import Event

    fps = 24000 / 1001
    evs = [Event(1, 24000, 24001, 24003, emotion="happiness", coder="ann"),
           Event(1, 10**7, 10**7 + 1, 10**7 + 2, emotion="surprise", coder="ann")]
    path = write_events_csv(evs, tmp_path / "e.csv", Media("clip.mp4", fps=fps))
    rows = list(csv.DictReader(path.open(newline="")))
    assert float(rows[0]["onset_time"]) == 24000 / fps and rows[0]["onset"] == "24000"
    assert float(rows[1]["offset_time"]) == (10**7 + 2) / fps and rows[1]["offset"] == "10000002"
    back = read_events_csv(path, fps=fps).accept()
    assert [(e.onset, e.apex, e.offset) for e in back] == [(e.onset, e.apex, e.offset) for e in evs]
    vfr = write_events_csv(evs[:1], tmp_path / "vfr.csv", Media("clip.mp4", fps=fps),
                           timestamps=lambda vid, f: f / fps + 1e-7 * (f % 7))
    row = next(csv.DictReader(vfr.open(newline="")))
    assert float(row["apex_time"]) == 24001 / fps + 1e-7 * (24001 % 7)


def test_reads_the_project_report_csv(tmp_path, project):
    from merstudio.project.export import export_events_csv

    vid = project.videos()[0].id
    project.add_events(sample_events(vid))
    path = export_events_csv(project, tmp_path / "report.csv", vid)
    prev = read_events(path, fps=30.0, video_id=vid)
    assert canon(prev.accept()) == canon(sample_events(vid))


def test_missing_columns_fps_mismatch_and_bad_rows(tmp_path, events):
    (tmp_path / "bad.csv").write_text("video,onset,offset\nclip.mp4,1,2\n")
    with pytest.raises(InputError, match=r"missing column\(s\) apex"):
        read_events_csv(tmp_path / "bad.csv", fps=30.0)
    path = write_events_csv(events, tmp_path / "e.csv", Media("clip.mp4", fps=25.0))
    with pytest.raises(InputError, match="differs from the video's 30 fps"):
        read_events_csv(path, fps=30.0)
    over = read_events_csv(path, fps=30.0, fps_override=True)
    happy = next(e for e in over.events if e.emotion == "happiness")
    assert (happy.onset, happy.apex, happy.offset) == (12, 18, 36)  # 0.4, 0.6, 1.2 s at 30 fps
    text = path.read_text().splitlines()
    text[1] = text[1].replace(",0,", ",x,", 1)
    (tmp_path / "e2.csv").write_text("\n".join(text) + "\n")
    prev = read_events_csv(tmp_path / "e2.csv", fps=25.0)
    assert len(prev.skipped) == 1 and "row 2" in str(prev.skipped[0])
    with pytest.raises(InputError, match="nothing imported"):
        prev.accept()

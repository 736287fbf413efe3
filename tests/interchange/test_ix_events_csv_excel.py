"""Our events table as Excel saves it (";" and decimal commas in comma-decimal locales, cp1252; tab-separated
"Unicode text" in UTF-16; tab-separated UTF-8 .txt) and the report's XLSX, found by their header and read back;
the note an events file naming another video gets; which column a bad row names."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ix_helpers import canon, sample_events

from merstudio.errors import InputError
from merstudio.interchange import (
    EVENT_CSV_COLUMNS,
    Media,
    detect_format,
    preview_import,
    read_events,
    read_events_csv,
    write_events_csv,
)
from merstudio.interchange.events_csv import events_csv_rows


def _excel_text(events, media, delimiter: str, decimal_comma: bool) -> str:
    """The events table as Excel writes it in a German (";", "0,5") or tab-separated export."""
    rows = events_csv_rows(events, media)
    lines = [delimiter.join(EVENT_CSV_COLUMNS)]
    for r in rows:
        cells = []
        for c in EVENT_CSV_COLUMNS:
            v = str(r[c])
            if decimal_comma and c.endswith("_time"):
                v = v.replace(".", ",")
            if any(x in v for x in (delimiter, '"', "\n")):
                v = '"' + v.replace('"', '""') + '"'
            cells.append(v)
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("name, delimiter, decimal_comma, encoding, fmt", [
    ("excel_de.csv", ";", True, "cp1252", "events CSV (';')"),
    ("excel_tab.txt", "\t", False, "utf-8", "events TSV"),
    ("excel_tab.tsv", "\t", False, "utf-16", "events TSV"),
    ("excel_tab_de.tsv", "\t", True, "utf-16", "events TSV"),
])
def test_excel_saved_events_tables_are_found_and_read(tmp_path, media, name, delimiter, decimal_comma, encoding,
                                                      fmt):
    evs = [e for e in sample_events() if "τ" not in e.note]
    evs[0] = replace(evs[0], emotion="Ärger")  # cp1252 can hold it
    path = tmp_path / name
    path.write_bytes(_excel_text(evs, media, delimiter, decimal_comma).encode(encoding))
    assert detect_format(path) == "events-csv"  # not BORIS's ("no header row with a Behavior column")
    prev = read_events(path, fps=30.0)
    assert prev.format == fmt and prev.ok, prev.summary()
    assert canon(prev.events) == canon(evs)
    assert canon(read_events(path, fps=30.0, fmt="events-csv").events) == canon(evs)
    if decimal_comma:  # the times were read ("0,1"): a file at another rate is told apart by them
        with pytest.raises(InputError, match="differs from the video's 25 fps"):
            read_events_csv(path, fps=25.0)


def test_decimal_comma_confidence(tmp_path):
    """"0,9": never a thousands separator in a confidence (0..1), so read in any table."""
    p = tmp_path / "c.csv"
    p.write_text('video,face_id,onset,apex,offset,emotion,aus,coder,confidence\nclip.mp4,0,17,20,71,happiness,'
                 '6+12,ann,"0,9"\n', encoding="utf-8-sig")
    (ev,) = read_events_csv(p, fps=30.0).accept()
    assert ev.confidence == 0.9
    p.write_text("video;onset;apex;offset;onset_time;confidence\nclip.mp4;3;4;5;0,1;0,25\n", encoding="utf-8")
    (ev,) = read_events_csv(p, fps=30.0).accept()
    assert (ev.onset, ev.confidence) == (3, 0.25)


def test_the_reports_xlsx_reads_back(tmp_path, project):
    """File > Export's XLSX report (sheet 'events', onset_frame...) imports back onto the same events."""
    from merstudio.project.export import export_events_xlsx

    vid = project.videos()[0].id
    project.add_events(sample_events(vid))
    path = tmp_path / "report.xlsx"
    export_events_xlsx(project, path, vid)
    assert detect_format(path) == "events-csv"
    prev = read_events(path, fps=30.0)
    assert prev.format == "events XLSX" and prev.ok, prev.summary()
    assert canon(prev.events) == canon(sample_events(0))


def test_a_file_of_another_video_gets_a_note(tmp_path, project):
    """As ELAN and BORIS files do: the video column names another video: imported, with a note."""
    vid = project.videos()[0].id
    path = write_events_csv(sample_events(vid), tmp_path / "z.events.csv", Media("v25.mp4", fps=30.0))
    prev = preview_import(project, path, vid)
    assert "the file's video 'v25.mp4' is not 'clip.mp4'; imported anyway" in prev.notes
    same = write_events_csv(sample_events(vid), tmp_path / "s.events.csv", Media("/else/clip.mp4", fps=30.0))
    assert not any("is not" in n for n in preview_import(project, same, vid).notes)


def test_a_bad_frame_names_only_its_column(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("onset,apex,offset,coder\n1,x,3,a\n1,2,,a\n,,,a\n", encoding="utf-8")
    reasons = [s.reason for s in read_events_csv(p, fps=30.0).skipped]
    assert reasons == ["bad or missing frame in apex 'x'", "bad or missing frame in offset (empty)",
                       "bad or missing frame in onset (empty), apex (empty), offset (empty)"]


def test_the_summary_says_when_events_name_no_coder(tmp_path):
    # never "from coder(s) " with nothing after it (the command line and the app's preview print this line)
    from merstudio.interchange import read_events

    plain = tmp_path / "plain.events.csv"
    plain.write_text("video,face_id,onset,apex,offset,emotion,aus\nclip.mp4,0,5,7,10,happiness,12\n")
    first = read_events(plain, fps=30.0).summary().splitlines()[0]
    assert first.endswith("1 event(s) to import naming no coder (the file has no coder column)"), first
    mixed = tmp_path / "mixed.events.csv"
    mixed.write_text("video,face_id,onset,apex,offset,emotion,aus,coder\nclip.mp4,0,5,7,10,happiness,12,ann\n"
                     "clip.mp4,0,20,22,25,surprise,1+2,\n")
    assert "from coder(s) ann and 1 naming no coder" in read_events(mixed, fps=30.0).summary()

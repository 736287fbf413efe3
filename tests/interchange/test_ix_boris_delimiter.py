"""A BORIS table saved by a spreadsheet in a comma-decimal locale (";" between the columns) is told by its header
line: a tab or a comma in a note further down does not switch it back to ","."""

from __future__ import annotations

from dataclasses import replace

from ix_helpers import canon, sample_events

from merstudio.interchange import Media, read_boris, write_boris


def _semicolons(src, dst):
    """Our BORIS CSV re-saved with ";" and decimal commas, as German Excel writes it."""
    import csv

    rows = list(csv.reader(src.open(newline="", encoding="utf-8")))
    with dst.open("w", newline="", encoding="cp1252") as fh:
        w = csv.writer(fh, delimiter=";")
        for i, r in enumerate(rows):
            w.writerow(r if i == 0 else [c.replace(".", ",") if c.replace(".", "").isdigit() else c for c in r])
    return dst


def test_semicolon_table_with_a_tab_in_a_note(tmp_path):
    evs = [e for e in sample_events() if "τ" not in e.note]
    evs[0] = replace(evs[0], note="left\tstronger, check")
    src = write_boris(evs, tmp_path / "ours.csv", Media("/v/clip.mp4", fps=30.0))
    prev = read_boris(_semicolons(src, tmp_path / "de.csv"), fps=30.0)
    assert prev.ok, prev.summary()
    assert canon(prev.events) == canon(evs)


def test_sniff_delimiter_reads_the_header_line_only():
    from merstudio.textfile import sniff_delimiter

    assert sniff_delimiter("Observation id;Behavior;Start (s)") == ";"
    assert sniff_delimiter("onset\tapex\toffset") == "\t"
    assert sniff_delimiter("onset,apex,offset") == ","
    assert sniff_delimiter('"a;b",onset,apex') == ","  # a quoted name's ";" does not count
    assert sniff_delimiter("onset") == ","

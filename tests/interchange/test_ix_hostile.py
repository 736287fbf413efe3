"""Hostile and odd input to every interchange reader (issue 14, items 8 and 10): huge values, huge headers, fields
over the csv module's limit, XML bombs, UTF-16 tables from Excel, and failed imports that must leave the project
as it was. Every message that quotes input stays short and on one line."""

from __future__ import annotations

import csv
import time

import pytest
from ix_helpers import canon, sample_events, write_xlsx

from merstudio.errors import InputError, OutputError
from merstudio.interchange import (
    Media,
    commit_import,
    detect_format,
    preview_import,
    preview_sheet,
    read_boris,
    read_eaf,
    read_events,
    read_events_csv,
    read_openface,
    write_boris,
    write_events_csv,
)
from merstudio.interchange.common import MAX_FIELD_CHARS, ImportPreview, Skip, quote

HUGE = 1_000_000  # one field of a megabyte: froze the GUI for 24 s before
SHORT = 1_000  # no message about a file may be longer than this


def one_line(msg: str, limit: int = SHORT) -> str:
    assert "\n" not in msg.strip(), msg[:300]
    assert len(msg) < limit, f"{len(msg)} characters: {msg[:300]}..."
    return msg


def assert_bounded(prev: ImportPreview, limit: int = 50_000) -> None:
    for s in prev.skipped:
        one_line(str(s))
    for n in prev.notes:
        one_line(n)
    assert len(prev.summary(limit=200)) < limit


# ------------------------------------------------------------------------------------------------- helper
def test_quote_shortens_and_keeps_one_line():
    assert quote("abc") == "'abc'"
    q = quote("x" * HUGE)
    assert len(q) < 120 and "1,000,000 characters" in q and "…" in q
    assert "\n" not in quote("a\nb" * 1000) and "\x1b" not in quote("\x1b[31mred")


# ---------------------------------------------------------------------------------------------------- ELAN
def eaf_text(values, props="", tiers=None, slots=None):
    """A small EAF by hand: one alice/event tier whose annotations carry ``values`` (one per 10-frame span)."""
    slots = slots if slots is not None else "".join(
        f'<TIME_SLOT TIME_SLOT_ID="ts{2 * i + 1}" TIME_VALUE="{i * 1000}"/>'
        f'<TIME_SLOT TIME_SLOT_ID="ts{2 * i + 2}" TIME_VALUE="{i * 1000 + 500}"/>' for i in range(len(values)))
    anns = "".join(
        f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i + 1}" TIME_SLOT_REF1="ts{2 * i + 1}" '
        f'TIME_SLOT_REF2="ts{2 * i + 2}"><ANNOTATION_VALUE>{v}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>'
        "</ANNOTATION>" for i, v in enumerate(values))
    tiers = tiers if tiers is not None else f'<TIER TIER_ID="alice/event" LINGUISTIC_TYPE_REF="t">{anns}</TIER>'
    return ('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">'
            f'<HEADER TIME_UNITS="milliseconds">{props}</HEADER><TIME_ORDER>{slots}</TIME_ORDER>{tiers}'
            "</ANNOTATION_DOCUMENT>")


def test_eaf_huge_annotation_values(tmp_path):
    p = tmp_path / "huge.eaf"
    p.write_text(eaf_text(["happiness | 6+12", "x" * HUGE + " | 4",  # an emotion of a megabyte
                           "surprise | " + "4+zz" * (HUGE // 4),  # a bad AU string of a megabyte
                           "fear | 4"]))
    prev = read_eaf(p, fps=30.0)
    assert [e.emotion for e in prev.events] == ["happiness", "fear"]
    assert_bounded(prev)
    where = [s.where for s in prev.skipped]
    assert where == ["huge.eaf: tier 'alice/event', annotation a2", "huge.eaf: tier 'alice/event', annotation a3"]
    assert "1,000,0" in prev.skipped[0].reason and f"{MAX_FIELD_CHARS:,}" in prev.skipped[0].reason
    with pytest.raises(InputError) as exc:
        prev.accept()
    one_line(str(exc.value))


def test_eaf_huge_note_and_meta(tmp_path, events, media):
    from merstudio.interchange import write_eaf

    src = write_eaf(events, tmp_path / "in.eaf", media)
    text = src.read_text().replace("note=smile; left=stronger | check", "note=" + "n" * HUGE)
    (tmp_path / "note.eaf").write_text(text)
    prev = read_eaf(tmp_path / "note.eaf", fps=30.0)
    assert len(prev.events) == len(events) - 1 and len(prev.skipped) == 1
    assert_bounded(prev)
    assert "note" in prev.skipped[0].reason


def test_eaf_meta_of_many_separators_is_read_in_one_pass(tmp_path, events, media):
    """4 MB of ';' in a meta annotation: the old parser copied the rest of the text at each ';' (minutes)."""
    from merstudio.interchange import write_eaf

    src = write_eaf(events, tmp_path / "in.eaf", media)
    text = src.read_text().replace("note=smile; left=stronger | check", "a;" * 2_000_000 + "note=x")
    (tmp_path / "semi.eaf").write_text(text)
    t0 = time.perf_counter()
    prev = read_eaf(tmp_path / "semi.eaf", fps=30.0)
    assert time.perf_counter() - t0 < 30  # a hang guard, not a speed figure: one pass takes about a second
    assert prev.ok and sorted(e.note for e in prev.events)[-1] == "x"


@pytest.mark.parametrize("case", ["fps", "time_value", "slot_id", "tier_id", "media"])
def test_eaf_huge_header_and_attributes(tmp_path, case):
    big = "9" * HUGE + "x"
    kw: dict = {}
    if case == "fps":
        kw["props"] = f'<PROPERTY NAME="merstudio:fps">{big}</PROPERTY>'
    elif case == "time_value":
        kw["slots"] = f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{big}"/>'
    elif case == "slot_id":
        kw["slots"] = f'<TIME_SLOT TIME_SLOT_ID="{big}" TIME_VALUE="x"/>'
    elif case == "tier_id":
        kw["tiers"] = (f'<TIER TIER_ID="{big}" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION '
                       'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>x'
                       "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>")
    else:
        kw["props"] = f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///{big}.mp4"/>'
    p = tmp_path / "h.eaf"
    p.write_text(eaf_text(["happiness | 4"], **kw))
    try:
        prev = read_events(p, fps=30.0, video_name="clip.mp4")
    except InputError as exc:
        one_line(str(exc))
        return
    assert_bounded(prev)
    assert len(prev.media) < SHORT
    if prev.skipped:
        with pytest.raises(InputError) as e2:
            prev.accept()
        one_line(str(e2.value))


def test_eaf_many_tiers_listed_briefly(tmp_path):
    tiers = "".join(f'<TIER TIER_ID="{"t" * 100}{i}" LINGUISTIC_TYPE_REF="t"/>' for i in range(20_000))
    p = tmp_path / "tiers.eaf"
    p.write_text(eaf_text([], tiers=tiers))
    with pytest.raises(InputError) as exc:
        read_eaf(p, fps=30.0, tier_coders={"nope": "bob"})
    assert "20,000" in one_line(str(exc.value))


def test_xml_bomb_still_refused(tmp_path):
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    p = tmp_path / "bomb.eaf"
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE ANNOTATION_DOCUMENT [{ents}]>'
                 + eaf_text(["&a9; | 4"]).split("?>", 1)[1])
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="not valid XML") as exc:
        read_eaf(p, fps=30.0)
    one_line(str(exc.value))
    assert time.perf_counter() - t0 < 30  # refused, not expanded (a generous bound: this is no speed test)


def _bomb_xlsx(path, rows):
    """A workbook whose sheet XML declares an entity bomb and uses it in a cell."""
    import zipfile

    src = write_xlsx(path.with_name("plain.xlsx"), rows)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                decl, sep, rest = text.partition("?>")
                doctype = f"<!DOCTYPE worksheet [{BOMB_ENTITIES}]>"
                text = f"{decl}{sep}{doctype}{rest}" if sep else doctype + text
                data = text.replace("<v>7</v>", "<v>&a9;</v>").encode()
            zout.writestr(item, data)
    return path


BOMB_ENTITIES = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))


def test_xlsx_bomb_refused_in_one_line(tmp_path):
    boris = _bomb_xlsx(tmp_path / "bomb.xlsx", [BORIS_HEAD, ["o", "30", "face 0", "x", "", "STATE", 7, 8]])
    with pytest.raises(InputError, match="cannot read the workbook") as exc:
        read_boris(boris, fps=30.0)
    one_line(str(exc.value))
    sheet = _bomb_xlsx(tmp_path / "sheet.xlsx", [CASME2_HEADER, ["01", "EP02_01f", 7, 8, 9, "4", "fear"]])
    with pytest.raises(InputError, match="cannot read the workbook") as exc:
        preview_sheet(sheet, "casme2", "EP02_01f", 1, first_frame=1)
    one_line(str(exc.value))


def test_cli_prints_one_short_line_for_a_huge_value(tmp_path, capsys):
    from merstudio.cli.main import main

    p = tmp_path / "huge.eaf"
    p.write_text(eaf_text(["surprise | " + "4+zz" * (HUGE // 4)]))
    code = main(["convert", str(p), str(tmp_path / "o.tsv"), "--fps", "30"])
    out, err = capsys.readouterr()
    assert code == 2 and len(out) + len(err) < 5 * SHORT, f"{len(err)} characters on stderr"
    assert "annotation a1" in err


# --------------------------------------------------------------------------------------------------- BORIS
def _write_tsv(path, header, rows, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(header)
        w.writerows(rows)
    return path


BORIS_HEAD = ["Observation id", "FPS", "Subject", "Behavior", "Modifiers", "Behavior type", "Start (s)", "Stop (s)"]


def test_boris_field_over_the_csv_limit_is_one_line(tmp_path):
    p = _write_tsv(tmp_path / "big.tsv", BORIS_HEAD, [["o", "30", "face 0", "happiness", "AU4", "STATE", "1", "2"],
                                                      ["o", "30", "face 0", "x" * 200_000, "", "STATE", "3", "4"]])
    with pytest.raises(InputError) as exc:
        read_boris(p, fps=30.0)
    msg = one_line(str(exc.value))
    assert "big.tsv" in msg and "row 3" in msg


def test_boris_long_field_skips_the_row(tmp_path):
    p = _write_tsv(tmp_path / "long.tsv", BORIS_HEAD, [["o", "30", "face 0", "happiness", "AU4", "STATE", "1", "2"],
                                                       ["o", "30", "face 0", "y" * (MAX_FIELD_CHARS + 1), "", "STATE",
                                                        "3", "4"]])
    prev = read_boris(p, fps=30.0)
    # named as BORIS tables name an event (the behaviour's text bounded), by its file line
    assert len(prev.events) == 1 and [s.where for s in prev.skipped] == [
        f"long.tsv: observation 'o', {quote('y' * (MAX_FIELD_CHARS + 1))} of 'face 0' at 3.000 s (line 3)"]
    assert_bounded(prev)


@pytest.mark.parametrize("with_behavior", [False, True])
def test_boris_huge_header(tmp_path, with_behavior):
    header = [f"column {'h' * 1000} {i}" for i in range(2_000)]  # 2 MB of header
    if with_behavior:
        header.insert(0, "Behavior")
    p = _write_tsv(tmp_path / "head.tsv", header, [["x"] * len(header)])
    t0 = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_boris(p, fps=30.0)
    one_line(str(exc.value))
    assert time.perf_counter() - t0 < 30


def test_boris_huge_single_header_cell(tmp_path):
    p = _write_tsv(tmp_path / "cell.tsv", ["H" * 150_000, "Behavior"], [["a", "b"]])
    with pytest.raises(InputError) as exc:
        read_boris(p, fps=30.0)
    assert "row 1" in one_line(str(exc.value))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-8-sig", "utf-16-nobom"])
def test_boris_unicode_text_from_excel(tmp_path, encoding):
    """Excel's "Unicode text" is UTF-16 with a byte-order mark (little-endian on Windows)."""
    evs = sample_events()
    src = write_boris(evs, tmp_path / "u8.tsv", Media("clip.mp4", fps=30.0))
    text = src.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")  # as Excel writes it
    data = {"utf-16": text.encode("utf-16"), "utf-16-le-bom": b"\xff\xfe" + text.encode("utf-16-le"),
            "utf-16-be-bom": b"\xfe\xff" + text.encode("utf-16-be"), "utf-8-sig": text.encode("utf-8-sig"),
            "utf-16-nobom": text.encode("utf-16-le")}[encoding]
    p = tmp_path / "unicode.txt"
    p.write_bytes(data)
    prev = read_events(p, fps=30.0)
    assert prev.ok and canon(prev.accept()) == canon(evs)


def test_boris_binary_junk_is_refused(tmp_path):
    p = tmp_path / "junk.tsv"
    p.write_bytes(bytes(range(256)) * 100)
    with pytest.raises(InputError) as exc:
        read_boris(p, fps=30.0)
    one_line(str(exc.value))


def test_failed_import_registers_no_coder(tmp_path, project, monkeypatch):
    vid = project.videos()[0].id
    before = project.coders()
    path = write_boris(sample_events(vid), tmp_path / "c.tsv", Media("clip.mp4", fps=30.0))
    prev = preview_import(project, path, vid)
    assert prev.ok

    def full_disk(*args):  # the first event's INSERT, inside the import's one transaction
        raise OutputError(f"{project.path}: the disk is full")

    monkeypatch.setattr(project, "_insert_event", full_disk)
    with pytest.raises(OutputError):
        commit_import(project, prev)
    assert project.coders() == before and project.events() == []


def test_import_where_everything_is_skipped_is_refused(tmp_path, project):
    vid = project.videos()[0].id
    p = _write_tsv(tmp_path / "bad.tsv", BORIS_HEAD, [["o", "30", "face 0", "x", "", "STATE", "no", "time"]])
    prev = preview_import(project, p, vid)
    assert not prev.events and prev.skipped
    with pytest.raises(InputError, match="nothing to import"):
        commit_import(project, prev, skip_bad=True)
    assert project.coders() == [] and project.events() == []


# ---------------------------------------------------------------------------------------------- events CSV
def test_events_csv_field_over_the_csv_limit(tmp_path, events, media):
    p = write_events_csv(events, tmp_path / "e.events.csv", media)
    lines = p.read_text().splitlines()
    i = next(i for i, line in enumerate(lines) if "happiness" in line)
    lines[i] = lines[i].replace("happiness", "z" * 200_000)
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        read_events_csv(p, fps=30.0)
    assert f"row {i + 1}:" in one_line(str(exc.value))


def test_events_csv_long_field_and_huge_header(tmp_path, events, media):
    p = write_events_csv(events, tmp_path / "e.events.csv", media)
    lines = p.read_text().splitlines()
    i = next(i for i, line in enumerate(lines) if "happiness" in line)
    lines[i] = lines[i].replace("happiness", "z" * (MAX_FIELD_CHARS + 5))
    p.write_text("\n".join(lines) + "\n")
    prev = read_events_csv(p, fps=30.0)
    assert len(prev.skipped) == 1 and prev.skipped[0].where == f"e.events.csv: row {i + 1}"
    assert_bounded(prev)
    q = tmp_path / "head.csv"
    q.write_text(",".join(f"c{'h' * 1000}{i}" for i in range(2_000)) + "\n1\n")
    with pytest.raises(InputError) as exc:
        read_events_csv(q, fps=30.0)
    one_line(str(exc.value))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_events_csv_utf16(tmp_path, events, media, encoding):
    src = write_events_csv(events, tmp_path / "u8.csv", media)
    p = tmp_path / "unicode.csv"  # no .events.csv: the format is found from the (UTF-16) header
    bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
    p.write_bytes(bom + src.read_text(encoding="utf-8").encode(encoding))
    assert detect_format(p) == "events-csv"
    prev = read_events(p, fps=30.0)
    assert prev.ok and canon(prev.accept()) == canon(events)


# ------------------------------------------------------------------------------------------------ OpenFace
OF_HEAD = "frame, face_id, timestamp, confidence, success, AU04_r, AU04_c"


def test_openface_huge_cell_and_header(tmp_path):
    p = tmp_path / "of.csv"
    p.write_text(f"{OF_HEAD}\n1, 0, 0.0, 0.9, 1, {'q' * HUGE}, 1\n")
    with pytest.raises(InputError) as exc:
        read_openface(p)
    assert "row 2" in one_line(str(exc.value))
    q = tmp_path / "head.csv"
    q.write_text(", ".join(f"{'h' * HUGE}{i}" for i in range(3)) + "\n1, 2, 3\n")
    with pytest.raises(InputError) as exc:
        read_openface(q)
    one_line(str(exc.value))
    q.write_text("frame, timestamp, gaze_0_x, pose_Tx\n1, 0.0, 1, 2\n")  # the file's columns, each named once
    with pytest.raises(InputError, match=r"\(have: frame, timestamp, gaze_0_x, pose_Tx\)$"):
        read_openface(q)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_openface_utf16(tmp_path, encoding):
    p = tmp_path / "of.csv"
    p.write_bytes(f"{OF_HEAD}\n1, 0, 0.000, 0.9, 1, 1.5, 1\n2, 0, 0.033, 0.9, 1, 0.5, 0\n".encode(encoding))
    t = read_openface(p, fps=30.0)
    assert t.frames["frame"].tolist() == [0, 1] and t.frames["AU04_r"].tolist() == [1.5, 0.5]


def test_openface_implausible_frame_rate(tmp_path):
    p = tmp_path / "of.csv"
    p.write_text(OF_HEAD + "\n" + "".join(f"{f}, 0, {(f - 1) / 1000:.3f}, 0.9, 1, 1.0, 1\n" for f in range(1, 11)))
    t = read_openface(p)  # no video to compare with
    assert any("1000" in m and "240" in m for m in t.mismatches), t.mismatches
    with pytest.raises(InputError, match="1000"):
        read_openface(p, strict=True)


# -------------------------------------------------------------------------------------------------- sheets
CASME2_HEADER = ["Subject", "Filename", "OnsetFrame", "ApexFrame", "OffsetFrame", "Action Units",
                 "Estimated Emotion"]


def _sheet_csv(path, rows, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_sheet_csv_huge_first_row_and_field(tmp_path):
    p = _sheet_csv(tmp_path / "s.csv", [[f"col{'h' * 1000}{i}" for i in range(2000)], ["1"]])
    with pytest.raises(InputError) as exc:
        preview_sheet(p, "casme2", "EP02_01f", 1, first_frame=1)
    one_line(str(exc.value))
    q = _sheet_csv(tmp_path / "q.csv", [CASME2_HEADER, ["01", "EP02_01f", 46, 50, 55, "12", "e" * 200_000]])
    with pytest.raises(InputError) as exc:
        preview_sheet(q, "casme2", "EP02_01f", 1, first_frame=1)
    assert "row 2" in one_line(str(exc.value))


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_sheet_long_cells(tmp_path, ext):
    rows = [CASME2_HEADER, ["01", "EP02_01f", 46, 50, 55, "12", "happiness"],
            ["01", "EP02_01f", 60, 62, 65, "4", "e" * (MAX_FIELD_CHARS + 1)],
            # a csv field stays under the csv module's limit; a workbook's cell has none
            ["s" * (HUGE if ext == "xlsx" else 100_000), "EP02_01f", 70, 72, 75, "4", "fear"],
            ["01", "EP02_01f", 80, 82, 85, "4" * 5000, "anger"], ["01", "EP02_01f", "9" * 500, 82, 85, "4", "x"]]
    writer = _sheet_csv if ext == "csv" else write_xlsx
    for p in (writer(tmp_path / f"s.{ext}", rows),):
        prev = preview_sheet(p, "casme2", "EP02_01f", 1, first_frame=1, subject=1)
        assert [e.emotion for e in prev.events] == ["happiness"]
        assert [s.where for s in prev.skipped] == [f"{p.name}: row {i}" for i in (3, 4, 5, 6)]
        assert_bounded(prev)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_sheet_csv_utf16(tmp_path, encoding):
    p = _sheet_csv(tmp_path / "s.csv", [CASME2_HEADER, ["01", "EP02_01f", 46, 50, 55, "12", "happiness"]],
                   encoding=encoding)
    prev = preview_sheet(p, "casme2", "EP02_01f", 1, first_frame=1)
    (e,) = prev.accept()
    assert (e.onset, e.apex, e.offset, e.emotion, e.aus) == (45, 49, 54, "happiness", "12")


# ------------------------------------------------------------------------------------------------- preview
def test_skip_and_summary_are_bounded_whatever_they_are_given(tmp_path):
    prev = ImportPreview(path=tmp_path / "x.eaf", format="ELAN eaf", skipped=[Skip("w" * HUGE, "r" * HUGE)],
                         notes=["n" * HUGE])
    one_line(str(prev.skipped[0]))
    assert len(prev.summary()) < 2 * SHORT
    with pytest.raises(InputError) as exc:
        prev.accept()
    one_line(str(exc.value))

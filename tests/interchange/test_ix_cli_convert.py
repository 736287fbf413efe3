"""`merstudio convert`: file conversions, project import with preview and --yes, export, one-line errors."""

from __future__ import annotations

import numpy as np
import pytest
from ix_helpers import canon, sample_events, write_frames, write_xlsx
from support.cli_run import run

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import Media, preview_import, read_events, write_boris, write_eaf


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["convert", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--project" in out and "--yes" in out and ".eaf" in out and "--fps" in out


@pytest.mark.parametrize("out_name", ["c.tsv", "c.xlsx", "c.boris.csv", "c.csv", "back.eaf"])
def test_eaf_to_each_format_and_back(tmp_path, capsys, events, out_name):
    src = write_eaf(events, tmp_path / "in.eaf", Media("/v/clip.mp4", fps=29.97))
    code, out, err = run(capsys, "convert", src, tmp_path / out_name)  # fps from the file's property
    assert code == 0, err
    assert f"wrote {len(events)} event(s)" in out and "ELAN eaf" in err
    prev = read_events(tmp_path / out_name, fps=29.97, video_name="clip.mp4")
    assert canon(prev.accept()) == canon(events) and prev.media == "clip.mp4"



def test_eaf_to_a_boris_project_and_a_project_export(tmp_path, capsys, events, project):
    """A .boris keeps the coding (not confidence, status or source); the project's video is found by name."""
    def coding(evs):
        return sorted((e.coder, e.face_id, e.onset, e.apex, e.offset, e.emotion, e.aus, e.note) for e in evs)

    src = write_eaf(events, tmp_path / "in.eaf", Media("/v/clip.mp4", fps=29.97))
    code, out, err = run(capsys, "convert", src, tmp_path / "c.boris")
    assert code == 0, err
    assert coding(read_events(tmp_path / "c.boris", fps=29.97).events) == coding(events)
    vid = project.videos()[0].id
    project.add_events(sample_events(vid))
    path = project.path
    project.close()
    code, out, err = run(capsys, "convert", "--project", path, "--export", tmp_path / "p.boris", "--video", vid)
    assert code == 0, err
    code, out, err = run(capsys, "convert", "--project", path, "--import", tmp_path / "p.boris", "--video", vid)
    assert code == 0 and "imported 0 event(s)" in out and "7 already there" in out, err

def test_openface_conversion(tmp_path, capsys):
    (tmp_path / "of.csv").write_text("frame, face_id, timestamp, confidence, success, AU04_r, AU04_c\n"
                                     "1, 0, 0.000, 0.9, 1, 1.5, 1\n2, 0, 0.033, 0.9, 1, 0.5, 0\n")
    code, out, err = run(capsys, "convert", tmp_path / "of.csv", tmp_path / "frames.csv", "--fps", 30)
    assert code == 0, err
    lines = (tmp_path / "frames.csv").read_text().splitlines()
    assert lines[0] == "frame,face_id,timestamp,confidence,success,AU04_r,AU04_c"
    assert lines[1].startswith("0,0,0.0,") and lines[2].startswith("1,0,0.033,")
    assert "numbered from 1" in out and "frame 1 at 0 s" in out


def test_openface_conversion_keeps_every_digit(tmp_path, capsys):
    """A 20-minute file: frames 36000 on are 1/30 s apart, so times need more than 4 significant digits."""
    rows = [f"{f}, 0, {(f - 1) / 30:.3f}, 0.98, 1, 1.2345, 1" for f in (1, 2, 36000, 36001, 36002)]
    (tmp_path / "of.csv").write_text("frame, face_id, timestamp, confidence, success, AU04_r, AU04_c\n"
                                     + "\n".join(rows) + "\n")
    code, out, err = run(capsys, "convert", tmp_path / "of.csv", tmp_path / "frames.csv", "--fps", 30)
    assert code == 0, err
    lines = (tmp_path / "frames.csv").read_text().splitlines()
    assert [ln.split(",")[2] for ln in lines[3:]] == ["1199.967", "1200.0", "1200.033"]
    assert all(ln.split(",")[5] == "1.2345" for ln in lines[1:])


def test_our_own_per_frame_csv_converts_and_imports(tmp_path, capsys, project):
    """merstudio's analysis CSV numbers frames from 0: accepted as such, not refused as a bad OpenFace file."""
    from merstudio.project import Project

    ours = tmp_path / "clip.csv"
    ours.write_text("frame,face_id,timestamp,confidence,success,AU04_r,AU04_c\n"
                    + "".join(f"{f},0,{f / 30:.6f},0.98,1,{f / 10},0\n" for f in range(100)))
    code, out, err = run(capsys, "convert", ours, tmp_path / "copy.csv")
    assert code == 0, err
    assert "frames 0..99" in out and "numbered from 0" in out
    path = project.path
    project.close()
    code, out, err = run(capsys, "convert", "--project", path, "--import", ours)
    assert code == 0 and err == "", err
    with Project.open(path) as proj:
        df = proj.load_overlay(proj.videos()[0].id, "OpenFace")
        assert df["frame"].tolist() == list(range(100)) and df["AU04_r"].iloc[7] == pytest.approx(0.7)
    code, out, err = run(capsys, "convert", ours, tmp_path / "shifted.csv", "--one-based")
    assert code == 2 and "frame 0 found" in err


def test_one_line_errors(tmp_path, capsys, events):
    code, out, err = run(capsys, "convert", tmp_path / "missing.eaf", tmp_path / "o.tsv")
    assert code == 2 and err.strip().count("\n") == 0 and "missing.eaf: not found" in err
    (tmp_path / "bad.eaf").write_text("<ANNOTATION_DOCUMENT>")
    code, out, err = run(capsys, "convert", tmp_path / "bad.eaf", tmp_path / "o.tsv", "--fps", 30)
    assert code == 2 and "not valid XML" in err and err.strip().count("\n") == 0
    write_xlsx(tmp_path / "b.xlsx", [["Observation id", "Behavior"], ["o", "x"]])
    code, out, err = run(capsys, "convert", tmp_path / "b.xlsx", tmp_path / "o.eaf", "--fps", 30)
    assert code == 2 and "missing column(s) Start (s), Stop (s)" in err
    src = write_eaf(events, tmp_path / "in.eaf", Media("clip.mp4", fps=25.0))
    code, out, err = run(capsys, "convert", src, tmp_path / "o.tsv", "--fps", 30)
    assert code == 2 and "differs from the video's 30 fps" in err and not (tmp_path / "o.tsv").exists()
    assert run(capsys, "convert", src, tmp_path / "o.tsv", "--fps", 30, "--force-fps")[0] == 0
    code, out, err = run(capsys, "convert", src, tmp_path / "o.tsv")
    assert code == 3 and "already exists" in err
    code, out, err = run(capsys, "convert")
    assert code == 2 and "give IN and OUT" in err
    (tmp_path / "outdir").mkdir()
    code, out, err = run(capsys, "convert", src, tmp_path / "outdir", "--overwrite")
    assert code == 3 and "is a folder; give the file to write" in err


def test_project_import_preview_yes_and_export(tmp_path, capsys, project):
    vid = project.videos()[0].id
    path = project.path
    src = write_eaf(sample_events(vid), tmp_path / "in.eaf", Media("clip.mp4", fps=30.0))
    text = src.read_text().replace('TIER_ID="bob/event"', 'TIER_ID="Bob codes"')
    (tmp_path / "bad.eaf").write_text(text)
    project.close()
    code, out, err = run(capsys, "convert", "--project", path, "--import", tmp_path / "bad.eaf")
    assert code == 2 and "nothing imported" in err and "skip" in err  # the preview was shown first
    assert "unknown tier" in err
    from merstudio.project import Project

    with Project.open(path) as proj:
        assert proj.events() == []
    code, out, err = run(capsys, "convert", "--project", path, "--import", tmp_path / "bad.eaf", "--video",
                         "clip.mp4", "--yes")
    assert code == 0, err
    # bob's event tier, and its apex and meta tiers; his rejected proposal is on bob/rejected (issue 11): kept
    assert "imported 6 event(s)" in out and "skipped 3" in out
    code, out, err = run(capsys, "convert", "--project", path, "--export", tmp_path / "out.tsv", "--video", vid)
    assert code == 0, err
    prev = read_events(tmp_path / "out.tsv", fps=30.0)
    assert len(prev.events) == 6 and prev.coders == ["", "alice", "bob", "lab/coder 2"]
    code, out, err = run(capsys, "convert", "--project", path, "--import", src, "--video", "nope.mp4")
    assert code == 2 and "no video 'nope.mp4'" in err
    code, out, err = run(capsys, "convert", "--project", path, "--import", src, "--fps", 25)
    assert code == 2 and "with --project the video's own rate is used" in err  # not silently ignored


def test_project_sheet_import(tmp_path, capsys, project):
    path = project.path
    project.close()
    write_frames(tmp_path / "sub01" / "EP02_01f", range(1, 61))
    sheet = write_xlsx(tmp_path / "CASME2-coding-20140508.xlsx", [
        ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
         "Estimated Emotion"],
        ["01", "EP02_01f", None, 46, 50, 55, None, "12", "happiness"]])
    code, out, err = run(capsys, "convert", "--project", path, "--import", sheet, "--dataset", "casme2", "--clip",
                         "EP02_01f", "--clip-folder", tmp_path / "sub01" / "EP02_01f")
    assert code == 0, err
    from merstudio.project import Project

    with Project.open(path) as proj:
        (e,) = proj.events()
        assert (e.onset, e.apex, e.offset, e.coder, e.source) == (45, 49, 54, "casme2", "imported")


# ------------------------------------------------------------------------------- OpenFace (issue 14, item 14)
def openface_file(path, n=10, fps=30.0, landmarks=0):
    """As OpenFace 2 writes it (', ' between names, frames from 1); ``landmarks`` x_/y_ pairs make it wide."""
    cols = ["frame", "face_id", "timestamp", "confidence", "success"]
    cols += [f"x_{i}" for i in range(landmarks)] + [f"y_{i}" for i in range(landmarks)]
    cols += ["AU01_r", "AU04_r", "AU12_r", "AU01_c", "AU04_c", "AU12_c"]
    lines = [", ".join(cols)]
    for f in range(1, n + 1):
        lines.append(", ".join([str(f), "0", f"{(f - 1) / fps:.3f}", "0.98", "1"] + ["1.5"] * (2 * landmarks)
                               + ["0.5", "1.25", "2.0", "0", "1", "1"]))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_offered_input_format_is_accepted_with_a_project(tmp_path, capsys, project):
    from merstudio.cli.convert import IN_FORMATS

    path = project.path
    project.close()
    for fmt in IN_FORMATS:
        code, out, err = run(capsys, "convert", "--project", path, "--import", tmp_path / "missing.csv",
                             "--from", fmt)
        assert code == 2 and "unknown format" not in err and "not found" in err, (fmt, err)


def test_a_per_frame_table_converts_to_csv_only(tmp_path, capsys):
    src = openface_file(tmp_path / "openface.csv", n=10)
    for out, extra in ((tmp_path / "out.eaf", []), (tmp_path / "out.csv", ["--to", "eaf"])):
        code, _, err = run(capsys, "convert", src, out, "--from", "openface", *extra)
        assert code == 2 and "converts to our per-frame CSV only" in err and not out.exists()


@pytest.mark.parametrize("from_fmt", [None, "openface"])
def test_openface_into_a_project_as_an_overlay(tmp_path, capsys, project, from_fmt):
    from merstudio.project import Project

    path = project.path
    project.close()
    src = openface_file(tmp_path / "openface.csv", n=100, landmarks=68)
    extra = ["--from", from_fmt] if from_fmt else []
    code, out, err = run(capsys, "convert", "--project", path, "--import", src, *extra)
    assert code == 0, err
    assert "overlay 'OpenFace'" in out and err == ""  # 100 frames at 30 fps: lines up with the video
    with Project.open(path) as proj:
        (ov,) = proj.overlays(proj.videos()[0].id)
        df = proj.load_overlay(ov.video_id, "OpenFace")
        assert ov.kind == "openface" and len(df) == 100 and df["frame"].tolist() == list(range(100))
        assert df["AU04_r"].tolist() == [1.25] * 100
    code, out, err = run(capsys, "convert", "--project", path, "--import", src, *extra)
    assert code == 3 and "already has an overlay 'OpenFace'" in err and "--overwrite" in err
    openface_file(src, n=50, fps=25.0)
    code, out, err = run(capsys, "convert", "--project", path, "--import", src, "--overwrite", *extra)
    assert code == 0, err
    assert "timestamps imply 25.000 fps, the video has 30 fps" in err and "covers 50 frame(s)" in err
    assert all(line.startswith("merstudio: warning: ") for line in err.splitlines())


def test_openface_file_as_events_is_a_short_message(tmp_path, capsys, project):
    """A wide OpenFace CSV (68 landmarks: ~150 columns) where coded events are expected: one short line."""
    src = openface_file(tmp_path / "of.csv", landmarks=68)
    vid = project.videos()[0].id
    for call in (lambda: read_events(src, fps=30.0), lambda: preview_import(project, src, vid)):
        with pytest.raises(InputError) as exc:
            call()
        msg = str(exc.value)
        assert "OpenFace" in msg and "overlay" in msg and len(msg) < 400 and "\n" not in msg
    with pytest.raises(InputError, match="a per-frame AU table .OpenFace CSV."):
        read_events(src, fps=30.0, fmt="openface")


def test_openface_implausible_frame_rate_warns(tmp_path, capsys):
    src = openface_file(tmp_path / "of.csv", n=10, fps=1000.0)
    code, out, err = run(capsys, "convert", src, tmp_path / "frames.csv")
    assert code == 0 and "wrote 10 row(s)" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("merstudio: warning: ") and "1000 fps" in line and "240" in line
    code, out, err = run(capsys, "convert", openface_file(tmp_path / "ok.csv", fps=30.0), tmp_path / "f2.csv")
    assert code == 0 and err == ""


def test_media_named_by_name_only_is_found_beside_the_input(tmp_path, capsys, events, monkeypatch):
    """A BORIS table names only the media file; the .eaf made from it must not point into the current folder."""
    import xml.etree.ElementTree as ET

    src_dir, out_dir, elsewhere = tmp_path / "coded", tmp_path / "out", tmp_path / "cwd"
    for d in (src_dir, out_dir, elsewhere):
        d.mkdir()
    monkeypatch.chdir(elsewhere)
    write_boris(events, src_dir / "a.tsv", Media("clip.mp4", fps=30.0))

    def media_of(eaf):
        (md,) = ET.parse(eaf).getroot().iter("MEDIA_DESCRIPTOR")
        return md.get("MEDIA_URL"), md.get("RELATIVE_MEDIA_URL")

    assert run(capsys, "convert", src_dir / "a.tsv", out_dir / "x.eaf")[0] == 0
    assert media_of(out_dir / "x.eaf") == ((out_dir / "clip.mp4").as_uri(), "./clip.mp4")  # not cwd/clip.mp4
    (src_dir / "clip.mp4").write_bytes(b"video")  # the video lies beside the coded file: the .eaf points at it
    assert run(capsys, "convert", src_dir / "a.tsv", out_dir / "y.eaf")[0] == 0
    assert media_of(out_dir / "y.eaf") == ((src_dir / "clip.mp4").as_uri(), "../coded/clip.mp4")


def test_conversion_keeps_where_the_file_says_its_media_is(tmp_path, capsys, events):
    """An .eaf made on another machine (its media at /v/clip.mp4, not here) converted to BORIS and back still points
    at /v/clip.mp4, as ELAN would look for it, not at a made-up file beside the output."""
    import xml.etree.ElementTree as ET

    src = write_eaf(events, tmp_path / "a.eaf", Media("/v/clip.mp4", fps=30.0))
    assert run(capsys, "convert", src, tmp_path / "a.tsv")[0] == 0
    assert run(capsys, "convert", tmp_path / "a.tsv", tmp_path / "out" / "b.eaf")[0] == 0
    assert run(capsys, "convert", src, tmp_path / "out" / "c.eaf")[0] == 0
    for eaf in ("b.eaf", "c.eaf"):
        (md,) = ET.parse(tmp_path / "out" / eaf).getroot().iter("MEDIA_DESCRIPTOR")
        assert md.get("MEDIA_URL") == "file:///v/clip.mp4", eaf


def test_file_conversion_places_times_on_a_variable_rate_media_file(tmp_path, capsys):
    """ELAN -> BORIS for a phone clip: with --media naming the (variable-rate) video the frame columns are the
    frames ELAN's times fall on, and the times are kept; without it (and without the video the file names, which
    is used when it is here: test_ix_cli_convert_media.py), the header's rate puts them on other frames, and the
    times move to those frames' starts."""
    import csv
    import warnings

    from support.vfr_clips import times, write_vfr_clip

    from merstudio.project import Event

    clip = write_vfr_clip(tmp_path / "phone.mp4")
    t = times()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" warning
        from merstudio.io import open_source

        with open_source(clip) as src:
            nominal, real = src.fps, src.timestamps
    assert np.allclose(real, t, atol=2e-5)
    eaf = write_eaf([Event(0, 45, 47, 50, emotion="happiness", coder="ann")], tmp_path / "phone.eaf",
                    Media(str(clip), fps=nominal, times=real))
    code, _, err = run(capsys, "convert", eaf, tmp_path / "with.tsv", "--media", clip)
    assert code == 0, err
    clip.rename(tmp_path / "elsewhere.mp4")  # the video the .eaf names is gone
    code, _, err = run(capsys, "convert", eaf, tmp_path / "without.tsv")
    assert code == 0, err

    def row(name):
        return next(csv.DictReader((tmp_path / name).open(newline="", encoding="utf-8"), delimiter="\t"))

    w, wo = row("with.tsv"), row("without.tsv")
    assert (w["Start frame"], w["Apex frame"], w["Stop frame"]) == ("45", "47", "50")
    assert w["Start (s)"] == f"{round(t[45] * 1000) / 1000:.3f}" == "1.606"
    assert wo["Start frame"] == str(int(1.606 * nominal)) != "45"  # at the header's ~26 fps: frame 41
    assert wo["Start (s)"] == f"{int(1.606 * nominal) / nominal:.3f}"  # that frame's start, 24 ms early


def test_project_import_and_export_use_a_variable_rate_videos_own_times(tmp_path, capsys):
    """A project made on the command line and never analysed: its phone clip's frame times come from the file, as
    the app's player has them, so an ELAN file lands on its frames and goes back out at the same times."""
    import warnings
    import xml.etree.ElementTree as ET

    from support.vfr_clips import times, write_vfr_clip

    from merstudio.project import Event, Project

    clip = write_vfr_clip(tmp_path / "phone.mp4")
    t = times()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" warning
        code, _, err = run(capsys, "project", "new", tmp_path / "p.merproj", clip)
        assert code == 0, err
        with Project.open(tmp_path / "p.merproj") as proj:
            nominal = proj.videos()[0].fps
        eaf = write_eaf([Event(0, 45, 47, 50, emotion="happiness", coder="ann")], tmp_path / "in.eaf",
                        Media(str(clip), fps=nominal, times=t))
        code, _, err = run(capsys, "convert", "--project", tmp_path / "p.merproj", "--import", eaf, "--video", 1,
                           "--yes")
        assert code == 0, err
        with Project.open(tmp_path / "p.merproj") as proj:
            assert [(e.onset, e.apex, e.offset) for e in proj.events(1)] == [(45, 47, 50)]
        code, _, err = run(capsys, "convert", "--project", tmp_path / "p.merproj", "--export", tmp_path / "out.eaf",
                           "--video", 1)
        assert code == 0, err
    values = {int(ts.get("TIME_VALUE")) for ts in ET.parse(tmp_path / "out.eaf").getroot().iter("TIME_SLOT")}
    assert {round(t[45] * 1000), round(t[51] * 1000)} <= values  # 1606 and 1856 ms, not 45 / 26 fps

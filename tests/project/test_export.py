import os
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from merstudio.errors import OutputError
from merstudio.project.export import (
    EVENT_COLUMNS,
    export_events_csv,
    export_events_xlsx,
    export_frames_csv,
    export_labelled_set,
    export_summary,
)


def test_frames_csv(project, tmp_path):
    calls = []
    out = export_frames_csv(project, 1, tmp_path / "out" / "frames.csv", progress=lambda d, n: calls.append((d, n)),
                            chunk=16)
    df = pd.read_csv(out)
    assert list(df.columns[:5]) == ["frame", "face_id", "timestamp", "confidence", "success"]
    assert list(df["frame"]) == list(range(40))
    assert {"AU12_r", "AU12_c", "p_negative", "p_positive"} <= set(df.columns)
    assert df.loc[2, "success"] == 0 and df.loc[2, "face_id"] == -1
    assert df.loc[10, "timestamp"] == pytest.approx(10 / 30, abs=1e-4)
    assert calls[-1] == (40, 40) and len(calls) == 3
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".part")]


def test_times_and_large_frame_numbers_keep_full_precision(tmp_path):
    """The app's exports once wrote floats with %.4g: frame 24000 at 23.976 fps became timestamp "1001" (which
    reads back as frame 23999) and large frame numbers lost digits. Timestamps must read back to the same float,
    frame numbers to the same integer, and the stored float32 values to the same float32."""
    import numpy as np

    from merstudio.project import Event, Project

    fps = 23.976
    frames = [24000, 24001, 1_234_567, 10**7]
    video = tmp_path / "long.avi"
    video.write_bytes(b"\0" * 4096)
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=fps, frame_count=10**7 + 1, width=64, height=48)
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / fps, "confidence": 0.987654321,
                                  "success": 1, "AU12_r": 1.2345678, "AU12_c": 1} for f in frames])
        proj.finish_analysis(aid)
        proj.add_event(Event(v.id, 24000, 24001, 1_234_567, emotion="happiness", coder="ann"))
        df = pd.read_csv(export_frames_csv(proj, v.id, tmp_path / "frames.csv"))
        ev = pd.read_csv(export_events_csv(proj, tmp_path / "events.csv"))
    assert list(df["frame"]) == frames
    assert list(df["timestamp"]) == [f / fps for f in frames]  # exact, not approx
    assert list(df["confidence"]) == [0.987654321] * 4
    assert (df["AU12_r"].to_numpy(np.float32) == np.float32(1.2345678)).all()
    assert "1.2345678," in (tmp_path / "frames.csv").read_text()  # the float32, not 1.2345677614212036
    row = ev.iloc[0]
    assert (row.onset_frame, row.apex_frame, row.offset_frame) == (24000, 24001, 1_234_567)
    assert (row.onset_time, row.apex_time, row.offset_time) == (24000 / fps, 24001 / fps, 1_234_567 / fps)
    assert row.duration_s == (1_234_567 - 24000 + 1) / fps


def test_events_csv_and_xlsx(project, tmp_path):
    csv_path = export_events_csv(project, tmp_path / "events.csv")
    df = pd.read_csv(csv_path)
    assert tuple(df.columns) == EVENT_COLUMNS
    assert list(df["onset_frame"]) == [5, 20, 33]
    assert df.loc[1, "onset_time"] == pytest.approx(20 / 30, abs=1e-3)
    assert df.loc[1, "aus"] == "4+7" and df.loc[1, "coder"] == "ann" and df.loc[1, "confidence"] == 0.8
    assert list(df["status"]) == ["accepted", "accepted", "proposal"]
    assert df.loc[0, "duration_frames"] == 8
    x = export_events_xlsx(project, tmp_path / "events.xlsx")
    ws = openpyxl.load_workbook(x)["events"]
    values = list(ws.values)
    assert values[0] == EVENT_COLUMNS
    assert values[2][EVENT_COLUMNS.index("apex_frame")] == 22


def test_xlsx_keeps_a_note_that_looks_like_a_formula(project, tmp_path):
    """openpyxl stores a string starting with '=' as a formula: the note came back empty, and a crafted one would
    run in Excel. Text cells are text."""
    note = "=cmd|' /C calc'!A0"
    ev = project.events(1)[0]
    project.update_event(replace(ev, note=note))
    ws = openpyxl.load_workbook(export_events_xlsx(project, tmp_path / "events.xlsx"))["events"]
    rows = list(ws.iter_rows(min_row=2))
    cell = next(r[EVENT_COLUMNS.index("note")] for r in rows if r[EVENT_COLUMNS.index("onset_frame")].value == 5)
    assert cell.value == note and cell.data_type == "s"


def test_summary_and_png(project, tmp_path):
    csv_path, png = export_summary(project, 1, tmp_path / "summary.csv", tmp_path / "timeline.png")
    s = pd.read_csv(csv_path)
    get = {(m, c): v for m, c, v in zip(s["measure"], s["category"], s["value"], strict=True)}
    assert get[("events", "all")] == 2  # two accepted; the open proposal is not an event (issue 11)
    assert get[("events", "positive")] == 1 and get[("events", "negative")] == 1
    assert get[("mean_duration_s", "negative")] == pytest.approx(11 / 30)
    assert get[("au_events", "AU04")] == 1 and get[("au_events", "AU12")] == 1
    df = project.load_frames(1)
    ok = df[df["success"] == 1]
    assert get[("au_frequency", "AU12")] == pytest.approx(ok["AU12_c"].mean())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    # the events in their emotion's colour in the app (merstudio.palette): each apex line is drawn in it
    import matplotlib.colors as mcolors
    import matplotlib.image as mpimg

    from merstudio.palette import emotion_colour

    img = mpimg.imread(png)[..., :3]
    for emotion in ("positive", "negative"):
        rgb = np.array(mcolors.to_rgb(emotion_colour(emotion)))
        assert np.sum(np.all(np.abs(img - rgb) < 0.02, axis=-1)) >= 20, emotion


def test_summary_written_from_data_read_before_touches_no_project(project, tmp_path, monkeypatch):
    """The app reads the summary's data on the GUI thread and writes the report in a worker: what changes in the
    project meanwhile is not in it, and writing it reads nothing from the project."""
    from merstudio.project import Event, Project
    from merstudio.project.export import summary_data, summary_table, write_summary

    times = np.arange(40) / 30.0
    data = summary_data(project, 1, times)
    times[:] = 0.0  # the player's array changes: the data kept its own copy
    expected = summary_table(project, 1)
    project.add_event(Event(1, 25, 26, 28, emotion="positive", aus="12", coder="ann"))  # coded meanwhile
    for name in ("load_frames", "events", "video", "timebase", "frame_times", "analysis"):
        monkeypatch.setattr(Project, name, lambda *a, **k: pytest.fail("the project was read while writing"))
    progress = []
    folder = tmp_path / "reports"
    out = write_summary(data, folder / "s.csv", folder / "s.png", progress=lambda d, n: progress.append(d))
    assert out == [folder / "s.csv", folder / "s.png"] and progress == [1, 2]
    # the video's rows name no coder and no face: ""; a face is its id or "all" (pooled over the faces)
    written = pd.read_csv(folder / "s.csv", keep_default_na=False, dtype={"face": str})
    pd.testing.assert_frame_equal(written, expected.assign(face=expected["face"].astype(str)), check_dtype=False)
    assert (folder / "s.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in folder.iterdir()) == ["s.csv", "s.png"]  # no temporary left


def test_a_summary_whose_png_cannot_be_written_leaves_the_old_csv(project, tmp_path):
    """The CSV and the PNG are one report: a PNG that cannot be written (its path a folder) leaves no new CSV beside
    the old PNG (nor a new CSV where there was none), and no temporary."""
    from merstudio.project.export import summary_data, write_summary

    data = summary_data(project, 1, np.arange(40) / 30.0)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "s.csv").write_text("the old report\n")
    (folder / "s.png").mkdir()  # not a file: the PNG cannot be moved into place
    with pytest.raises(OutputError):
        write_summary(data, folder / "s.csv", folder / "s.png")
    assert (folder / "s.csv").read_text() == "the old report\n"
    (folder / "s.csv").unlink()
    with pytest.raises(OutputError):
        write_summary(data, folder / "s.csv", folder / "s.png")
    assert sorted(p.name for p in folder.iterdir()) == ["s.png"]  # no CSV, no temporary
    assert list((folder / "s.png").iterdir()) == []


def test_labelled_set(project, tmp_path):
    project.set_setting("subject:1", "s07")
    df = pd.read_csv(export_labelled_set(project, tmp_path / "labels.csv"), dtype={"aus": str})
    assert list(df.columns) == ["subject", "sample", "label", "path", "onset", "apex", "offset", "aus", "face_box",
                                "coder"]
    assert df["face_box"].isna().all()  # this run stored no landmarks: the detector's one face
    assert list(df["label"]) == ["positive", "negative"]  # proposals are not training labels
    assert list(df["subject"]) == ["s07", "s07"] and df.loc[1, "aus"] == "4+7"
    assert df.loc[0, "path"] == project.videos()[0].path


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_dir(project, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(OutputError, match="cannot write"):
        export_events_csv(project, ro / "e.csv")


def test_unwritable_path(project, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        export_events_csv(project, blocker / "sub" / "e.csv")
    target = tmp_path / "isdir.csv"
    target.mkdir()
    with pytest.raises(OutputError, match="cannot write"):
        export_frames_csv(project, 1, target)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_frames_relative_to_neutral_carry_presence_across_chunks(tmp_path):
    """An AU held between the presence thresholds (0.6-1.0 above neutral) across a chunk boundary stays present:
    the hysteresis is carried from chunk to chunk, so the file does not depend on the chunk size."""
    import numpy as np

    from merstudio.errors import InputError
    from merstudio.features.neutral import NeutralBaseline, store_baselines
    from merstudio.project import Project

    video = tmp_path / "v.avi"
    video.write_bytes(b"\0" * 4096)
    au4 = np.r_[np.full(10, 1.5), np.full(5, 2.7), np.full(10, 2.3), np.full(15, 1.5)]  # rest 1.5; +1.2 then +0.8
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=30.0, frame_count=40, width=64, height=48)
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                                  "AU04_r": float(x), "AU04_c": int(x >= 1)} for f, x in enumerate(au4)])
        proj.finish_analysis(aid)
        with pytest.raises(InputError, match="no neutral frames"):
            export_frames_csv(proj, v.id, tmp_path / "none.csv", relative=True)
        store_baselines(proj, v.id, {0: NeutralBaseline(0, 0, 9, {"AU04_r": 1.5}, 10)})
        small = pd.read_csv(export_frames_csv(proj, v.id, tmp_path / "a.csv", chunk=16, relative=True))
        whole = pd.read_csv(export_frames_csv(proj, v.id, tmp_path / "b.csv", relative=True))
        absolute = pd.read_csv(export_frames_csv(proj, v.id, tmp_path / "c.csv"))
    pd.testing.assert_frame_equal(small, whole)
    assert whole["AU04_c"].tolist() == [0] * 10 + [1] * 15 + [0] * 15  # on at +1.2, held at +0.8 into chunk 2
    assert whole["AU04_r"].iloc[[0, 12, 20]].tolist() == pytest.approx([0.0, 1.2, 0.8], abs=1e-5)
    assert absolute["AU04_c"].tolist() == [1] * 40  # absolute: this person's resting brows read "present"


def test_a_relative_export_calibrates_the_per_side_columns_too(tmp_path):
    """The app's neutral levels come from its curves (AUxx_r only); the table also holds AUxx_L / AUxx_R, which
    were left absolute beside relative AUxx_r (AU12_r 0.02 next to AU12_L 4.95)."""
    from merstudio.features.neutral import NeutralBaseline, store_baselines
    from merstudio.project import Project

    video = tmp_path / "v.avi"
    video.write_bytes(b"\0" * 4096)
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=30.0, frame_count=20, width=64, height=48)
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 0.9, "success": 1,
                                  "AU12_r": 3.0 + (f >= 10), "AU12_c": 1, "AU12_L": 2.8 + 0.8 * (f >= 10),
                                  "AU12_R": 5.0} for f in range(20)])
        proj.finish_analysis(aid)
        store_baselines(proj, v.id, {0: NeutralBaseline(0, 0, 9, {"AU12_r": 3.0}, 10)})  # as the app stores it
        rel = pd.read_csv(export_frames_csv(proj, v.id, tmp_path / "rel.csv", relative=True))
    assert rel["AU12_r"].iloc[[0, 15]].tolist() == pytest.approx([0.0, 1.0], abs=1e-5)
    assert rel["AU12_L"].iloc[[0, 15]].tolist() == pytest.approx([0.0, 0.8], abs=1e-5)
    assert rel["AU12_R"].tolist() == pytest.approx([0.0] * 20, abs=1e-5)

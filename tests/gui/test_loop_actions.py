"""Issue 7 in the app, driven through win.ctx.execute like a user with every parameter given (no dialogs): import
events (one undo step; skipped items only on confirm), export them, import an OpenFace CSV as a dashed overlay, the
agreement report dialog and its CSVs, events by coder, and re-running predictions after fine-tuning."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import FPS, N_FRAMES, open_video
from PySide6.QtCore import Qt
from support.vfr_clips import times as vfr_times
from support.vfr_clips import write_vfr_clip

from merstudio.gui import commands as C
from merstudio.interchange import Media, read_events, write_events
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _coded(video_id):
    return [Event(video_id, 10, 12, 15, emotion="positive", aus="12", coder="alice"),
            Event(video_id, 40, 42, 46, emotion="negative", aus="4+7", coder="alice"),
            Event(video_id, 11, 12, 16, emotion="positive", aus="6+12", coder="bob"),
            Event(video_id, 70, 72, 75, emotion="surprise", aus="1+2", coder="bob")]


def _write_eaf(tmp_path, video_path, events):
    return write_events(events, tmp_path / "coded.eaf", Media(str(video_path), fps=FPS, frame_count=N_FRAMES))


def test_import_events_is_one_undo_step(window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    eaf = _write_eaf(tmp_path, video_path, _coded(video.id))
    assert win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True), win.errors
    got = sorted((e.coder, e.onset, e.apex, e.offset, e.aus) for e in win.project.events(video.id))
    assert got == sorted((e.coder, e.onset, e.apex, e.offset, e.aus) for e in _coded(video.id))
    assert {"alice", "bob"} <= set(win.project.coders())
    assert len(win.timeline.regions) == 4 and win.table.model_.rowCount() == 4
    ids = sorted(e.id for e in win.project.events(video.id))
    assert win.undo_stack.count() == 1 and "coded.eaf" in win.undo_stack.undoText()
    win.undo_stack.undo()  # the whole import goes at once
    assert win.project.events(video.id) == [] and win.timeline.regions == {}
    assert [h["action"] for h in win.project.event_history()[-4:]] == ["delete"] * 4
    win.undo_stack.redo()  # and comes back under the same ids
    assert sorted(e.id for e in win.project.events(video.id)) == ids and len(win.timeline.regions) == 4
    # the same file again: the preview says its events are there already, and nothing is doubled
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.interchange import preview_import

    dlg = ImportPreviewDialog(preview_import(win.project, eaf, video.id), win)
    assert "4 already in the project" in dlg.head.text()
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()
    dlg.deleteLater()
    assert not win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True)
    assert "already in the project" in win.errors[-1] and len(win.project.events(video.id)) == 4


def test_import_with_problems_needs_confirmation(window, video_path, tmp_path):
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.interchange import preview_import

    win = window
    video = open_video(win, video_path)
    evs = [Event(video.id, 5, 6, 8, emotion="positive", coder="cy"),
           Event(video.id, 92, 94, 97, emotion="negative", coder="cy")]  # past the 90-frame video
    tsv = write_events(evs, tmp_path / "boris.tsv", Media(str(video_path), fps=FPS, frame_count=200))
    assert not win.ctx.execute(C.ImportEvents, path=str(tsv), confirmed=True)
    assert "past the end" in win.errors[-1] and "nothing imported" in win.errors[-1]
    assert win.project.events(video.id) == [] and win.undo_stack.count() == 0
    # what the confirmation dialog shows: the event to import, the one skipped and why
    dlg = ImportPreviewDialog(preview_import(win.project, tsv, video.id), win)
    text = dlg.text.toPlainText()
    assert "1 event(s) to import" in text and "skip" in text and "past the end" in text
    assert dlg.buttons.button(dlg.buttons.StandardButton.Ok).text() == "Import 1, skip 1"
    dlg.deleteLater()
    assert win.ctx.execute(C.ImportEvents, path=str(tsv), confirmed=True, skip_bad=True), win.errors
    assert [(e.onset, e.offset) for e in win.project.events(video.id)] == [(5, 8)]


def test_import_at_another_frame_rate_offers_to_convert(window, video_path, tmp_path, monkeypatch):
    """A file coded on a copy of the video at another rate: the app asks (the command line has --force-fps)."""
    from merstudio.gui.dialogs import ImportPreviewDialog

    win = window
    video = open_video(win, video_path)
    eaf = write_events([Event(video.id, 10, 12, 15, emotion="positive", coder="cy")], tmp_path / "c.eaf",
                       Media(str(video_path), fps=2 * FPS))  # frames 10-15 at twice the rate: 0.17-0.25 s
    questions = []
    monkeypatch.setattr(win, "confirm", lambda q: questions.append(q) or False)
    assert not win.ctx.execute(C.ImportEvents, path=str(eaf))
    assert f"coded at {2 * FPS:g} fps" in questions[0] and win.project.events(video.id) == []
    monkeypatch.setattr(win, "confirm", lambda q: True)
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: ImportPreviewDialog.DialogCode.Accepted)
    assert win.ctx.execute(C.ImportEvents, path=str(eaf)), win.errors
    assert [(e.onset, e.offset) for e in win.project.events(video.id)] == [(5, 7)]  # the same times, this rate


@pytest.mark.parametrize("name", ["out.eaf", "out.tsv", "out.xlsx", "out.boris.csv", "out.boris", "out.csv"])
def test_export_events_by_extension(qtbot, window, video_path, tmp_path, name):
    win = window
    video = open_video(win, video_path)
    win.project.add_events(_coded(video.id))
    assert win.ctx.execute(C.ExportEvents, path=str(tmp_path / name)), win.errors
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)  # a workbook is written in a worker
    assert not win.errors
    assert win.last_exports == [tmp_path / name]
    back = read_events(tmp_path / name, fps=FPS, video_id=video.id)
    assert back.ok, back.summary()
    key = sorted((e.coder, e.onset, e.apex, e.offset, e.emotion, e.aus) for e in back.events)
    assert key == sorted((e.coder, e.onset, e.apex, e.offset, e.emotion, e.aus) for e in _coded(video.id))


def _openface_csv(path, n=N_FRAMES):
    """An OpenFace 2 file: 1-based frames, ', ' separated header, no face in its first frame."""
    i = np.arange(n)
    df = pd.DataFrame({"frame": i + 1, "face_id": 0, "timestamp": np.round(i / FPS, 3), "confidence": 0.98,
                       "success": (i > 0).astype(int), "AU01_r": np.round((i % 7) / 2, 2),
                       "AU12_r": np.round((i % 11) / 3, 2), "AU01_c": (i % 7 > 3).astype(int),
                       "AU12_c": (i % 11 > 5).astype(int)})
    path.write_text(", ".join(df.columns) + "\n" + df.to_csv(header=False, index=False))
    return path


def test_openface_overlay_drawn_dashed_and_frame_aligned(qtbot, window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.ctx.execute(C.ImportAUTable, path=str(_openface_csv(tmp_path / "of.csv"))), win.errors
    [ov] = win.project.overlays(video.id)
    assert ov.name == "OpenFace" and ov.kind == "openface" and ov.meta["mismatches"] == []
    stored = win.project.load_overlay(video.id, "OpenFace")
    assert stored["frame"].tolist() == list(range(N_FRAMES)) and stored["face_id"].iloc[0] == -1
    curve = win.timeline.overlay_curve("OpenFace", "AU12_r")
    assert curve is not None and curve.opts["pen"].style() == Qt.PenStyle.DashLine
    x, y = curve.xData, curve.yData
    assert len(y) == N_FRAMES and np.isnan(y[0])  # OpenFace frame 1 is our frame 0: no face there
    assert np.allclose(y[1:], np.round((np.arange(1, N_FRAMES) % 11) / 3, 2), atol=1e-5) and x[5] == 5
    ours = win.timeline.curve_data("AU12_r")  # ours stay beside it, in the same colour, solid
    assert ours is not None and win.timeline._curves["AU12_r"].opts["pen"].color() == curve.opts["pen"].color()
    assert win.timeline.overlay_curve("OpenFace", "AU01_r") is not None
    # the AU menu hides both ours and theirs; the overlay toggle hides theirs
    win.set_au_visible("AU01_r", False)
    assert win.timeline.overlay_curve("OpenFace", "AU01_r") is None
    win.timeline.set_overlay_visible("OpenFace", False)
    assert win.timeline.overlay_curve("OpenFace", "AU12_r") is None and "AU12_r" in win.timeline._curves
    win.timeline.set_overlay_visible("OpenFace", True)
    assert win.timeline.overlay_curve("OpenFace", "AU12_r") is not None
    # a shorter file: imported, the mismatch reported
    assert win.ctx.execute(C.ImportAUTable, path=str(_openface_csv(tmp_path / "short.csv", 80)), name="OF short")
    assert "covers 80 frame(s), the video has 90" in win.infos[-1]
    assert [o.name for o in win.project.overlays(video.id)] == ["OpenFace", "OF short"]



def test_overlay_curves_go_with_their_video(qtbot, window, video_path, tmp_path):
    """A re-run keeps the old predictions as a dashed overlay; another video, or no project, shows none of them."""
    from gui_fixtures import write_video

    win = window
    open_video(win, video_path)
    for confirmed in (False, True):
        win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=confirmed)
        qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.timeline._overlay_curves  # the previous run, dashed
    assert win.ctx.execute(C.OpenVideo, path=str(write_video(tmp_path / "other.avi", n=60))), win.errors
    qtbot.waitUntil(lambda: not win.timeline._overlay_curves, timeout=5000)
    open_video(win, video_path)
    qtbot.waitUntil(lambda: bool(win.timeline._overlay_curves), timeout=5000)
    win.session.close_project()
    qtbot.waitUntil(lambda: not win.timeline._overlay_curves, timeout=5000)

def test_py_feat_overlay_draws_its_probabilities_on_the_au_scale(qtbot, window, video_path, tmp_path):
    from support.pyfeat_files import au12, pyfeat_csv

    win = window
    video = open_video(win, video_path)
    win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    src = pyfeat_csv(tmp_path / "feat.csv", [(f, 0, 90.0) for f in range(N_FRAMES)], version="0.7",
                     inputs=["clip.avi"] * N_FRAMES)  # made from this video: no mismatch to report
    assert win.ctx.execute(C.ImportAUTable, path=str(src)), win.errors
    [ov] = win.project.overlays(video.id)
    assert ov.name == "py-feat" and ov.kind == "pyfeat"
    assert "x5 on the 0-5 AU scale" in win.statusBar().currentMessage()
    curve = win.timeline.overlay_curve("py-feat", "AU12_p")
    assert curve is not None and curve.opts["pen"].style() == Qt.PenStyle.DashLine
    assert np.allclose(curve.yData, [5 * au12(f, 0) for f in range(N_FRAMES)], atol=1e-4)  # p 0-1 drawn x5
    assert curve.opts["pen"].color() == win.timeline._curves["AU12_r"].opts["pen"].color()  # AU12's colour
    win.set_au_visible("AU12_r", False)  # the AU menu hides theirs with ours
    assert win.timeline.overlay_curve("py-feat", "AU12_p") is None
    assert win.timeline.overlay_curve("py-feat", "p_happiness") is not None  # its emotions in the class lane
    not_a_table = tmp_path / "coded.csv"
    not_a_table.write_text("a,b\n1,2\n")
    assert not win.ctx.execute(C.ImportAUTable, path=str(not_a_table))
    assert "neither an OpenFace CSV" in win.errors[-1]

def test_agreement_dialog_csv_and_coder_tracks(window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    eaf = _write_eaf(tmp_path, video_path, _coded(video.id))
    assert win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True), win.errors
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"], tolerance=2), win.errors
    dlg = win.agreement_dialog
    assert dlg.isVisible() and dlg.chosen_coders() == ["alice", "bob"] and dlg.tolerance.value() == 2
    pairs = dlg.models["pairs"]
    assert pairs.rowCount() == 1
    row = {pairs.headerData(c, Qt.Orientation.Horizontal): pairs.df.iat[0, c] for c in range(pairs.columnCount())}
    assert (row["matched"], row["only_a"], row["only_b"]) == (1, 1, 1)  # 10-15 ~ 11-16 within 2 frames
    assert pairs.data(pairs.index(0, list(pairs.df.columns).index("coder_a"))) == "alice"
    assert dlg.models["matches"].rowCount() == 3
    dlg.set_choices(tolerance=0, iou=0.95)  # stricter: the near pair no longer matches
    assert dlg.models["pairs"].df.loc[0, "matched"] == 0
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path / "agree")), win.errors
    saved = pd.read_csv(tmp_path / "agree" / "agreement_pairs.csv")
    assert saved.loc[0, "matched"] == 0 and (tmp_path / "agree" / "agreement_kappa.csv").is_file()
    dlg.set_choices(coders=["alice"])
    assert dlg.report is None and "two coders" in dlg.error and not dlg.save_button.isEnabled()

    win.set_coder_view(True)
    tl = win.timeline
    assert tl.coder_plot.isVisible() and tl.coder_lanes == ["alice", "bob"]
    bars = tl.coder_bars["bob"].opts
    assert list(bars["x0"]) == [10.5, 69.5] and list(bars["width"]) == [6, 6] and set(bars["y0"]) == {1.12}
    ev = win.project.events(video.id, coder="bob")[1]
    win.ctx.execute(C.DeleteEvent, event_id=ev.id)  # lanes follow edits
    assert list(tl.coder_bars["bob"].opts["x0"]) == [10.5]
    win.undo_stack.undo()
    assert list(tl.coder_bars["bob"].opts["x0"]) == [10.5, 69.5]
    # bob's own overlapping events: on two sub-rows of his lane, not over each other
    win.project.add_event(Event(video.id, 12, 14, 15, emotion="surprise", coder="bob"))
    win.coding.reload()
    bars = tl.coder_bars["bob"].opts
    (x_a, y_a), (x_b, y_b) = sorted(zip(bars["x0"], bars["y0"], strict=True))[:2]  # frames 11-16 and 12-15
    h = bars["height"]
    assert (x_a, x_b) == (10.5, 11.5) and h == pytest.approx(0.38)
    assert abs(y_a - y_b) >= h - 1e-9 and 1.0 <= min(y_a, y_b) and max(y_a, y_b) + h <= 2.0  # within bob's lane
    win.set_coder_view(False)
    assert not tl.coder_plot.isVisible() and not win.coder_view_action.isChecked()


def test_finetune_rerun_keeps_old_predictions(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    win.analysis.set_checkpoint(tmp_path / "starter.pt", {"class_names": ["negative", "positive"]})
    win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    old = win.timeline.curve_data("p_positive").copy()
    assert win.ctx.execute(C.FineTune), win.errors
    dlg = win.finetune_dialog
    assert dlg.isVisible() and dlg.checkpoint.text() == str(tmp_path / "starter.pt")
    new = tmp_path / "starter-ft1.pt"
    from merstudio.gui import workers

    monkeypatch.setattr(workers, "describe_checkpoint", lambda p: {"class_names": ["negative", "positive"],
                                                                   "parent": "starter.pt"})
    dlg.result = types.SimpleNamespace(checkpoint=new)  # as after a finished fine-tuning
    dlg.rerun_button.setEnabled(True)
    qtbot.mouseClick(dlg.rerun_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.analysis.checkpoint_loading is None)  # loaded in the checkpoint loader
    assert win.checkpoint == new and win.checkpoint_meta["parent"] == "starter.pt"
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    [ov] = win.project.overlays(video.id)
    assert ov.name == "model: starter" and ov.kind == "model"
    kept = win.project.load_overlay(video.id, ov.name)
    assert {"p_positive", "p_negative"} <= set(kept.columns) and "AU12_r" not in kept.columns
    # old dashed beside the new, solid
    curve = win.timeline.overlay_curve("model: starter", "p_positive")
    assert curve is not None and curve.opts["pen"].style() == Qt.PenStyle.DashLine
    assert np.allclose(curve.yData, old, equal_nan=True)
    assert win.timeline.curve_data("p_positive") is not None
    assert win.project.analysis(video.id).model == str(new)  # the new run is recorded as the new model's
    win.timeline.set_overlay_visible("model: starter", False)
    assert win.timeline.overlay_curve("model: starter", "p_positive") is None


def test_an_open_finetune_dialog_recounts_the_coded_events_after_each_edit(qtbot, window, video_path, tmp_path,
                                                                          monkeypatch):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    win = window
    video = open_video(win, video_path)
    calls = []
    monkeypatch.setattr(FinetuneDialog, "update_data", lambda self: calls.append(1))
    assert win.ctx.execute(C.FineTune), win.errors
    before = len(calls)
    win.project.add_event(Event(video.id, 12, 14, 15, emotion="surprise", coder="bob"))
    win.coding.reload()
    assert len(calls) > before


def test_import_dialog_confirm_and_cancel(qtbot, window, video_path, tmp_path):
    """The ask side: the preview dialog opens; Cancel imports nothing, the OK button imports."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from merstudio.gui.dialogs import ImportPreviewDialog

    win = window
    video = open_video(win, video_path)
    eaf = _write_eaf(tmp_path, video_path, _coded(video.id))
    seen = []

    def answer(ok):
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, ImportPreviewDialog)
        seen.append(dlg.head.text())
        (dlg.accept if ok else dlg.reject)()

    QTimer.singleShot(50, lambda: answer(False))
    assert not win.ctx.execute(C.ImportEvents, path=str(eaf))
    assert win.project.events(video.id) == [] and "4 event(s) will be imported" in seen[0]
    QTimer.singleShot(50, lambda: answer(True))
    assert win.ctx.execute(C.ImportEvents, path=str(eaf)), win.errors
    assert len(win.project.events(video.id)) == 4 and win.undo_stack.count() == 1


def test_agreement_compares_openface_intensities(qtbot, window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.ctx.execute(C.ImportAUTable, path=str(_openface_csv(tmp_path / "of.csv"))), win.errors
    win.project.add_events(_coded(video.id))
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    icc = win.agreement_dialog.models["icc"].df
    frames = icc[icc["source"] == "frames"]
    # the imported table against our stored analysis, per AU, on the frames where both saw face 0
    assert sorted(frames["au"]) == ["AU01", "AU12"], icc  # named as the kappa and alpha tables name them
    # the stored analysis is "analysis": "model" is the proposals' coder in the other tables
    assert set(frames["coder_a"]) | set(frames["coder_b"]) == {"OpenFace", "analysis"}
    assert set(frames["n"]) == {N_FRAMES - 2}  # the fake analysis has no face in frames 0-1


def test_export_and_import_of_a_variable_rate_video_use_its_frame_times(window, tmp_path, monkeypatch):
    """ELAN shows an exported event where merstudio's player shows it: at the frames' own times (frame 45 at
    0.981 + 15/24 = 1.606 s), not at frame / header rate; and the file imports back onto the same frames."""
    import warnings
    import xml.etree.ElementTree as ET

    from merstudio.gui.dialogs import ImportPreviewDialog

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's one-line "variable frame rate" warning
        video = open_video(window, write_vfr_clip(tmp_path / "phone.mp4"))
    assert window.playback.timebase.variable
    window.project.add_events([Event(video.id, 45, 47, 50, emotion="positive", aus="12", coder="alice")])
    eaf = tmp_path / "phone.eaf"
    assert window.ctx.execute(C.ExportEvents, path=str(eaf)), window.errors
    values = {int(ts.get("TIME_VALUE")) for ts in ET.parse(eaf).getroot().iter("TIME_SLOT")}
    assert {1606, 1689, 1856} <= values, values  # onset, apex, the end of frame 50
    # the project's events CSV: the player's frame times too, whatever an analysis has stored so far
    report = tmp_path / "phone_events.csv"
    assert window.ctx.execute(C.Export, kind="events_csv", path=str(report)), window.errors
    row = pd.read_csv(report).iloc[0]
    t = vfr_times()
    assert row["onset_time"] == pytest.approx(t[45], abs=1e-4) and row["duration_s"] == pytest.approx(t[51] - t[45],
                                                                                                     abs=1e-4)
    window.project.delete_events([e.id for e in window.project.events(video.id)])
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: ImportPreviewDialog.DialogCode.Accepted)
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    assert [(e.onset, e.apex, e.offset) for e in window.project.events(video.id)] == [(45, 47, 50)]


def test_an_elan_files_media_offset_survives_the_app(window, video_path, tmp_path):
    # ELAN plays the media at annotation time + TIME_ORIGIN: imported in the app, exported back to ELAN, the file
    # keeps its offset and its annotation times (as a command-line import does)
    import xml.etree.ElementTree as ET

    win = window
    video = open_video(win, video_path)
    src = write_events([Event(video.id, 3, 4, 6, emotion="positive", coder="cy")], tmp_path / "o.eaf",
                       Media(str(video_path), fps=FPS, frame_count=N_FRAMES))
    root = ET.parse(src)
    root.getroot().find("HEADER/MEDIA_DESCRIPTOR").set("TIME_ORIGIN", "1000")  # the video starts 1 s in
    root.write(src)
    assert win.ctx.execute(C.ImportEvents, path=str(src), confirmed=True), win.errors
    assert [(e.onset, e.offset) for e in win.project.events(video.id)] == [(3 + FPS, 6 + FPS)]
    out = tmp_path / "back.eaf"
    assert win.ctx.execute(C.ExportEvents, path=str(out)), win.errors
    assert ET.parse(out).getroot().find("HEADER/MEDIA_DESCRIPTOR").get("TIME_ORIGIN") == "1000"
    assert read_events(out, fps=FPS).events[0].onset == 3 + FPS


def test_undoing_an_elan_import_takes_back_its_media_offset(window, video_path, tmp_path):
    # the media offset an ELAN import records is part of the import's undo step: undo takes it back with the events
    # (a later export to ELAN would shift every time by it), redo sets it again, and an earlier import's stays
    import xml.etree.ElementTree as ET

    from merstudio.interchange import elan_media_key

    win = window
    video = open_video(win, video_path)
    key = elan_media_key(video.id)

    def elan_file(name: str, coder: str, origin: str) -> str:
        src = write_events([Event(video.id, 3, 4, 6, emotion="positive", coder=coder)], tmp_path / name,
                           Media(str(video_path), fps=FPS, frame_count=N_FRAMES))
        root = ET.parse(src)
        root.getroot().find("HEADER/MEDIA_DESCRIPTOR").set("TIME_ORIGIN", origin)
        root.write(src)
        return str(src)

    assert win.ctx.execute(C.ImportEvents, path=str(elan_file("a.eaf", "cy", "1000")), confirmed=True), win.errors
    assert win.project.get_setting(key)["time_origin"] == 1000
    win.undo_stack.undo()
    assert win.project.get_setting(key) is None and win.project.events(video.id) == []
    out = tmp_path / "back.eaf"
    assert win.ctx.execute(C.ExportEvents, path=str(out)), win.errors
    assert ET.parse(out).getroot().find("HEADER/MEDIA_DESCRIPTOR").get("TIME_ORIGIN") in (None, "0")
    win.undo_stack.redo()
    assert win.project.get_setting(key)["time_origin"] == 1000 and len(win.project.events(video.id)) == 1
    assert win.ctx.execute(C.ImportEvents, path=str(elan_file("b.eaf", "dee", "500")), confirmed=True), win.errors
    assert win.project.get_setting(key)["time_origin"] == 500
    win.undo_stack.undo()  # the earlier import's offset is back
    assert win.project.get_setting(key)["time_origin"] == 1000 and not win.errors

"""Shared pieces of the GUI tests: a small real video and a fake analysis that streams rows like the pipeline."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np

N_FRAMES, W, H, FPS = 90, 160, 120, 30.0
SPOTS = ((20, 24, 28), (55, 58, 62))
AUS = (1, 2, 4, 6, 12)
REGIONS = ("brows", "eyes", "cheeks", "nose", "mouth", "chin")
MOTION_FROM = 8  # the face appears at frame 2; micro-motion is NaN for its first 0.2 s (6 frames)
BLINK = (40, 43)  # frames [40, 43) blink: eyes motion NaN there


def frame_value(i: int) -> int:
    return (i * 2) % 250


def write_video(path, n: int = N_FRAMES):
    """An MJPG clip whose frame i is flat grey frame_value(i) with a dark square: frame identity is checkable."""
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    for i in range(n):
        img = np.full((H, W, 3), frame_value(i), np.uint8)
        img[40:80, 60:100] = 20
        wr.write(img)
    wr.release()
    return path


@dataclass
class Spot:
    face_id: int
    onset: int
    apex: int
    offset: int
    score: float


class FakeAnalysis:
    """Streams pipeline-shaped rows (base columns, landmarks, AUxx_r/_c, per-side AUxx_L/_R, pose_R*, p_<class>,
    the micro-motion lane: motion, motion_<region>, blink, AUxx_m) with AU and mouth-motion bumps at SPOTS.
    ``gate``: when set on the class, rows stop before frame ``gate_at`` (11) until the event is set (deterministic
    cancel tests; 0: before any frame).
    ``fail_at``: raise InputError at that frame. ``occluded``: (start, stop) frames where AU12_r is NaN (a hand
    over the mouth). ``faceless``: no face in any frame."""

    gate: threading.Event | None = None
    gate_at: int = 11
    fail_at: int | None = None
    occluded: tuple[int, int] | None = None
    faceless: bool = False  # no face in any frame (a wall, a face turned away)
    face_from: int = 2  # the first frame with a face (0: a photo's one frame has one)
    cut_at: int | None = None  # from this frame on the face is another person's (track 1): a cut
    pair_at: int | None = None  # from this frame on two other people (tracks 1 and 2) side by side: a video call

    def __init__(self, source, settings):
        self.source = source
        self.settings = settings
        self.device = "cpu"
        self.cancelled = False
        self.frames_done = 0

    def rows(self, progress=None, cancel=None):
        from merstudio.errors import InputError

        n = self.source.frame_count
        for i, _rgb in self.source.iter_frames():
            if cancel is not None and cancel():
                self.cancelled = True
                return
            if self.fail_at is not None and i == self.fail_at:
                raise InputError(f"{self.source.path}: frame {i} cannot be decoded")
            if i == self.gate_at and self.gate is not None:
                # parked until the gate opens, but cancellable like the real pipeline (a failed test's window
                # closes, and cancels, before any fixture could open the gate)
                while not self.gate.wait(0.02):
                    if cancel is not None and cancel():
                        break
                if cancel is not None and cancel():
                    self.cancelled = True
                    return
            if i < self.face_from or self.faceless:  # no face in the first two frames
                row = {"frame": i, "face_id": -1, "timestamp": i / FPS, "confidence": 0.0, "success": 0}
                row.update({f"AU{a:02d}_r": 0.0 for a in AUS})
                row.update({f"AU{a:02d}_c": 0 for a in AUS})
                row.update({"pose_Rx": float("nan"), "pose_Ry": float("nan"), "pose_Rz": float("nan"),
                            "motion": float("nan"), "blink": 0})
                row.update({f"motion_{r}": float("nan") for r in REGIONS})
            else:
                pair = self.pair_at is not None and i >= self.pair_at
                face = 1 if pair or (self.cut_at is not None and i >= self.cut_at) else 0
                row = {"frame": i, "face_id": face, "timestamp": i / FPS, "confidence": 0.95, "success": 1}
                bump = sum(np.exp(-0.5 * ((i - apex) / 2.0) ** 2) for _, apex, _ in SPOTS)
                for a in AUS:
                    row[f"AU{a:02d}_r"] = round(float(0.2 + (3.5 if a == 12 else 0.5) * bump), 3)
                if self.occluded is not None and self.occluded[0] <= i < self.occluded[1]:
                    row["AU12_r"] = float("nan")
                for a in AUS:
                    row[f"AU{a:02d}_c"] = int(row[f"AU{a:02d}_r"] >= 1.0)
                row["AU12_L"], row["AU12_R"] = row["AU12_r"], row["AU12_r"]
                row.update({"pose_Rx": 0.01, "pose_Ry": -0.02, "pose_Rz": 0.0})
                blink = BLINK[0] <= i < BLINK[1]
                for r in REGIONS:
                    v = 0.05 + (0.8 * bump if r == "mouth" else 0.1 * bump)
                    row[f"motion_{r}"] = round(float(v), 4) if i >= MOTION_FROM and not (blink and r == "eyes") \
                        else float("nan")
                row["motion"] = max((row[f"motion_{r}"] for r in REGIONS if r != "eyes"), default=float("nan"))
                row["blink"] = int(blink)
                for a in AUS:
                    row[f"AU{a:02d}_m"] = round(float(0.6 * bump if a == 12 else 0.0), 3) \
                        if i >= MOTION_FROM else float("nan")
                row["p_negative"] = round(float(0.2 + 0.1 * bump), 3)
                row["p_positive"] = round(float(0.3 + 0.6 * bump), 3)
                ang = np.linspace(0, 2 * np.pi, 468, endpoint=False)
                row.update({f"x_{k}": float(80 + 25 * np.cos(ang[k])) for k in range(468)})
                row.update({f"y_{k}": float(60 + 30 * np.sin(ang[k])) for k in range(468)})
            self.frames_done = i + 1
            yield row
            if row["face_id"] == 1 and self.pair_at is not None and i >= self.pair_at:  # the other tile's person
                yield {**row, "face_id": 2, **{f"x_{k}": row[f"x_{k}"] + 60 for k in range(468)}}
            if progress is not None:
                progress(i + 1, n)

    def spots(self):
        return [Spot(1 if self.cut_at is not None and on >= self.cut_at else 0, on, ap, off, 0.8)
                for on, ap, off in SPOTS]


FAR = 300  # People.third's face 5: this far right of the person on the left


class People(FakeAnalysis):
    """Two people side by side from frame 2 (``pair_at``'s video call: faces 1 and 2, face 2 on the right), no spots
    (no proposals). What a re-run's tracker does otherwise, set on the class (people_window turns them off):
    ``swap``, it numbers the two the other way round; ``one``, it follows only the first (one face a frame);
    ``third``, the person on the right is not analysed and a third, FAR right, is face 5 on every frame (seen most)."""

    pair_at = 2
    swap = False
    one = False
    third = False

    def rows(self, progress=None, cancel=None):
        for row in super().rows(progress, cancel):
            face = row["face_id"]
            if face == 2 and (self.one or self.third):
                continue
            if face == -1 and self.third:  # FakeAnalysis' faceless first frames: face 5 is there already
                row = {**row, "face_id": 5, "success": 1, "confidence": 0.9}
                row.update({f"x_{k}": 80.0 + FAR + 25 * (k % 2) for k in range(468)})
                row.update({f"y_{k}": 60.0 + 30 * (k % 2) for k in range(468)})
            elif face in (1, 2) and self.swap:
                row = {**row, "face_id": 3 - face}
            yield row
            if face == 1 and self.third:
                yield {**row, "face_id": 5, **{f"x_{k}": row[f"x_{k}"] + FAR for k in range(468)}}

    def spots(self):
        return []


@contextmanager
def people_window(qtbot, qsettings, video_path, project):
    """A shown window analysing with People (its switches off before and after): `project` made, `video_path`
    opened and analysed with landmarks, the person on the right (face 2) picked. Shut down on leaving."""
    from helpers import open_and_analyse

    from merstudio.gui import commands as C

    People.swap = People.one = People.third = False
    win = shown_window(qtbot, qsettings, analysis=People)
    try:
        assert win.ctx.execute(C.NewProject, path=str(project))
        open_and_analyse(qtbot, win, video_path, landmarks=True)
        win.pick_face(2)
        yield win
    finally:
        People.swap = People.one = People.third = False
        win.shutdown()


def rerun_people(qtbot, win) -> None:
    """The analysis run again with landmarks (the re-run confirmed), waited for, no error shown."""
    from merstudio.gui import commands as C

    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert not win.errors, win.errors


def shown_window(qtbot, qsettings, size: tuple[int, int] = (1300, 850), analysis: type[FakeAnalysis] = FakeAnalysis):
    """A MainWindow analysing with `analysis` (FakeAnalysis or a subclass), at `size`, shown and exposed (the caller
    shuts it down)."""
    from merstudio.gui.main_window import MainWindow

    win = MainWindow(qsettings=qsettings, make_analysis=lambda src, settings: analysis(src, settings))
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


def frame_folder(folder, frames: int):
    """The frame folder ``folder`` (made, with its parents) of ``frames`` 64x48 PNGs img0001.png…, each a shade
    brighter."""
    folder.mkdir(parents=True)
    for k in range(frames):
        cv2.imwrite(str(folder / f"img{k + 1:04d}.png"), np.full((48, 64, 3), 20 * k, np.uint8))
    return folder


def frame_folder_project(root, frames: int = 4, fps: str | None = None):
    """root/study.merproj as `merstudio project new` makes it of the frame folder root/burst (``frames`` PNGs
    img0001.png…, each a shade brighter) added at ``fps`` (None: no --fps, the 30 image files are assumed to have)."""
    from merstudio.cli.main import main

    folder = frame_folder(root / "burst", frames)
    path = root / "study.merproj"
    assert main(["project", "new", str(path), str(folder), *(["--fps", fps] if fps else [])]) == 0
    return path


def frame_folder_copies(root, second: int = 0):
    """(A, B): root/A/study.merproj, a 12-frame folder 'burst' at the 30 fps assumed (frame_folder_project), and
    root/B copied from it, folder and all; ``second``: B given a folder 'second' of that many frames besides."""
    import shutil

    from merstudio.cli.main import main

    a = frame_folder_project(root / "A", 12)
    shutil.copytree(root / "A", root / "B")
    b = root / "B" / a.name
    if second:
        assert main(["project", "add", str(b), str(frame_folder(root / "B" / "second", second))]) == 0
    return a, b


def reopened(qtbot, qsettings, path, **params):
    """A new shown window with the project at `path` opened in it (OpenProject's `params`, e.g. read_only=True):
    what the user gets on opening the project again. The caller shuts it down."""
    from merstudio.gui import commands as C

    win = shown_window(qtbot, qsettings)
    assert win.ctx.execute(C.OpenProject, path=str(path), **params), win.errors
    return win


def open_video(win, path):
    """The video at `path` opened in the window (asserted, with the window's errors): its project Video."""
    from merstudio.gui import commands as C

    assert win.ctx.execute(C.OpenVideo, path=str(path)), win.errors
    return win.video


def two_video_project(window, tmp_path):
    """study.merproj in the window with a.avi (30 frames) and "b clip.avi" (35) added, b current: (a, b)."""
    from merstudio.gui import commands as C

    names = ["a.avi", "b clip.avi"]
    for k, name in enumerate(names):
        write_video(tmp_path / name, n=30 + 5 * k)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
    for name in names:
        assert window.ctx.execute(C.OpenVideo, path=str(tmp_path / name))
    a, b = window.project.videos()
    return a, b


def class_coded_project(tmp_path, names, classes):
    """p.merproj with the files `names` (1,000 bytes each: the fine-tuning dialog reads the project only, never the
    videos) as 200-frame videos, each with one accepted event of each of `classes` (onsets 10, 40, 70, ...). The
    caller closes it."""
    from merstudio.project import Event, Project

    project = Project.create(tmp_path / "p.merproj")
    for i, name in enumerate(names):
        video = tmp_path / name
        video.parent.mkdir(exist_ok=True)
        video.write_bytes(bytes([i]) * 1000)
        vid = project.add_video(video, fps=30.0, frame_count=200, width=320, height=240).id
        for k, emotion in enumerate(classes):
            project.add_event(Event(vid, 10 + 30 * k, 14 + 30 * k, 18 + 30 * k, emotion=emotion, coder="ann"))
    return project


def shown_finetune_dialog(qtbot, project, finetune_fn=None):
    """The fine-tuning dialog of the open `project` with the bundled starter checkpoint, shown and exposed."""
    from merstudio.gui.finetune_dialog import FinetuneDialog
    from merstudio.resources import starter_checkpoint

    dlg = FinetuneDialog(project.path, starter_checkpoint(), project=project, finetune_fn=finetune_fn)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def shown_timeline(qtbot, frames: int, size: tuple[int, int] = (1366, 330), fps: float = 30.0, buffer=None):
    """A Timeline of a `frames`-frame video at `size`, its curves `buffer`'s where given (set before it is shown),
    shown and exposed."""
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(*size)
    tl.set_video(frames, fps)
    if buffer is not None:
        tl.set_buffer(buffer, 0)
    tl.show()
    qtbot.waitExposed(tl)
    return tl


def wrapped_readout(qtbot, one: str, two: str):
    """The readout of a shown 420x500 Timeline (no video) given the lines `one` and `two` (Readout.set_lines), too
    wide for it even on two: wrapped onto several lines (asserted). The cut readout tests (h165, h208) set its room."""
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(420, 500)
    tl.show()
    qtbot.waitExposed(tl)
    r = tl.readout
    r.set_lines(one, two)
    assert r.item.textWidth() > 0  # wrapped onto several lines
    return r


def shown_agreement_dialog(qtbot):
    """The agreement dialog over two coders' one matched event each (tolerance and IoU boxes at their defaults)."""
    from merstudio.agreement import agreement_from_events
    from merstudio.gui.agreement_dialog import AgreementDialog
    from merstudio.project import Event

    evs = [Event(1, 10, 12, 15, emotion="happiness", coder="ann", id=1),
           Event(1, 11, 12, 16, emotion="happiness", coder="bob", id=2)]

    def compute(**kw):
        return agreement_from_events(evs, coders=kw["coders"], tolerance=kw["tolerance"], iou=kw["iou"],
                                     frame_counts={1: 600})

    dlg = AgreementDialog(compute, ["ann", "bob"])
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def shown_event_dialog(qtbot, frames: int):
    """The event dialog over an event at 10-12-15 coded by Zoë, in a video of ``frames`` frames."""
    from merstudio.gui.dialogs import EventDialog
    from merstudio.project import Event

    dlg = EventDialog(Event(video_id=1, onset=10, apex=12, offset=15, coder="Zoë"), frames)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def shown_behaviour_dialog(qtbot, frames: int):
    """The behaviour-event dialog over a 'gaze away' state at 10-20, in a video of ``frames`` frames."""
    from merstudio.gui.behaviours import BehaviourEventDialog
    from merstudio.project.behaviours import Behaviour, BehaviourEvent

    gaze = Behaviour("gaze away", kind="state", id=1)
    dlg = BehaviourEventDialog(BehaviourEvent(video_id=1, behaviour_id=1, onset=10, offset=20), [gaze], frames)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


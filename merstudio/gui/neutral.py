"""Participant calibration in the app: each face's neutral frames (chosen on the timeline or found), stored in the
project per video, and a View toggle that draws the AU lane, heat map and readout relative to them.

The baselines are project data (one undo step each, like any edit); the toggle is a view setting. The analysis
keeps the absolute values; File > Export > Per-frame CSV relative to neutral (and ``merstudio neutral`` for any
per-frame CSV) writes the relative ones."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from merstudio.errors import InputError
from merstudio.features.neutral import (
    MIN_FRAMES,
    NeutralBaseline,
    auto_baseline,
    load_baselines,
    neutral_levels,
    presence,
    relative,
    store_baselines,
)
from merstudio.gui.commands import AppCommand, CommandContext, Params, frame_seen
from merstudio.gui.undo import ProjectCommand

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow
    from merstudio.project import Project


class NeutralCommand(ProjectCommand):
    """Set (``after``) or clear (None) one face's neutral baseline of a video: one undo step."""

    video_id: int

    def __init__(self, project: Project, video_id: int, face: int, after: NeutralBaseline | None,
                 notify: Any) -> None:
        super().__init__(self._text(face, after), project, notify)
        self.video_id, self.face, self.after = video_id, face, after
        self.before = load_baselines(project, video_id).get(face)

    @staticmethod
    def _text(face: int, after: NeutralBaseline | None) -> str:
        return f"Neutral frames of face {face}: {after.first}–{after.last}" if after else \
            f"Clear neutral frames of face {face}"

    def renumber_faces(self, renumber: Callable[[Any, list[Any]], list[Any]]) -> None:
        """Put the step on the face ``renumber`` (gui.coding.rerun_faces, set_aside_faces) gives its baseline: a
        re-run that numbers the people otherwise gives its person another face id, and a redo (or undo) must write
        that person's. The baseline it sets (else the one it clears) is the person's, on its frames; the one it
        replaces goes with it (the same face, so the same person)."""
        held = self.after or self.before
        if held is None:
            return
        (moved,) = renumber(self, [held])
        face = int(moved.face_id)
        if face == self.face:
            return
        self.face = face
        self.after = replace(self.after, face_id=face) if self.after is not None else None
        self.before = replace(self.before, face_id=face) if self.before is not None else None
        self.setText(self._text(face, self.after))

    def unchanged(self) -> bool:
        """Whether ``after`` is the baseline stored already (as stored: JSON, where NaN equals NaN)."""
        def text(b: NeutralBaseline | None) -> str | None:
            return None if b is None else json.dumps(b.to_dict(), sort_keys=True)
        return text(self.after) == text(self.before)

    def _write(self, b: NeutralBaseline | None) -> None:
        keep = {f: x for f, x in load_baselines(self.project, self.video_id).items() if f != self.face}
        if b is not None:
            keep[self.face] = b
        store_baselines(self.project, self.video_id, keep)

    def _do(self) -> None:
        self._write(self.after)

    def _undo(self) -> None:
        self._write(self.before)


def baseline_from_buffer(buf: Any, face: int, frames: tuple[int, int] | None, fps: float,
                         avoid: Sequence[tuple[int, int]] = ()) -> NeutralBaseline:
    """A face's neutral levels from the analysis curves: over `frames`, or its calmest still second (where the
    micro-motion lane is low, away from the intervals of `avoid`: the face's events, coded or proposed)."""
    cols = buf.faces.get(face)
    if not cols:
        raise InputError(f"face {face} has no AU values: run the analysis first")
    x = np.arange(buf.frame_count)
    if frames is None:  # the calmest still second with (nearly) every AU known; said when none has
        return auto_baseline(x, cols, face, fps, motion=buf.get(face, "motion"), avoid=avoid)
    return neutral_levels(x, cols, face, *frames)


# A photo (one frame) has no neutral frames of its own: its one frame as its neutral would zero every AU, and a level
# is the median of MIN_FRAMES frames. Nothing applies another video's levels to it (a baseline is of a video's own
# frames), so the message says what a user can do: read its bars against a neutral photo of the person.
PHOTO_NEUTRAL = ("a photo has one frame, and it cannot be its own neutral: relative to itself every AU would read 0 "
                 f"(a neutral level is the median of at least {MIN_FRAMES} frames of the face). Neutral frames are "
                 "set in videos; for a photo, compare its AU bars with those of a neutral photo of the same person "
                 "(open that photo too)")


def neutral_range(win: MainWindow) -> tuple[int, int] | None:
    """The frames "Set from the selected frames" takes: the timeline's selection (a drag on the events track), else
    the pending I (or O) mark to the play head, both ends included: a coder on the keyboard marks I on the first
    relaxed frame and steps to the last (I then O would make an event). None: neither."""
    if win.timeline.selection is not None:
        lo, hi = win.timeline.selection
        return int(lo), int(hi)
    m = win.marks
    ends = [f for f in (m.onset, m.offset) if f is not None]
    if not ends:
        return None
    if len(ends) == 1:
        ends.append(frame_seen(win))  # while playing, the picture shown (the clock runs ahead of it)
    return min(ends), max(ends)


class SetNeutral(AppCommand):
    """params: mode "selection" (the timeline's selected frames, else the I mark to the play head:
    :func:`neutral_range`), "auto" (the face's calmest second) or "clear";
    face (default: the face shown). On a photo, "selection" and "auto" are refused (PHOTO_NEUTRAL)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        proj = win.require_writable()
        if win.video is None or win.video.id is None:
            raise InputError("open a video first")
        if params.get("mode", "auto") in ("selection", "auto") and win.frame_count == 1:
            raise InputError(PHOTO_NEUTRAL)  # before "run the analysis": analysed or not, a photo has no neutral
        buf = win.analysis.buffer
        face = params.get("face", win.selected_face())
        if buf is None or face is None:
            raise InputError("no analysis with a face yet: run the analysis (Ctrl+R) first")
        mode = params.get("mode", "auto")
        after = None
        if mode == "selection":
            sel = neutral_range(win)
            if sel is None:
                raise InputError("select the neutral frames first: drag over them on the events track, or mark I "
                                 "at their first frame and put the play head on their last")
            after = baseline_from_buffer(buf, face, sel, win.fps)
        elif mode == "auto":  # an event is an expression, not neutral: kept away from
            events = [(e.onset, e.offset) for e in proj.events(win.video.id) if e.face_id == face]
            after = baseline_from_buffer(buf, face, None, win.fps, events)
        elif mode != "clear":
            raise InputError(f"neutral frames: unknown mode {mode}")
        elif face not in load_baselines(proj, win.video.id):
            raise InputError(f"face {face} has no neutral frames to clear")
        cmd = NeutralCommand(proj, win.video.id, face, after, win.neutral.update)
        if after is not None and cmd.unchanged():  # found (or chosen) again: no undo step that changes nothing
            win.neutral.view_action.setChecked(True)
            win.neutral.update()
            win.statusBar().showMessage(f"Already the neutral frames: {after.describe()}", 10000)
            return
        win.coding.push(cmd)
        if mode == "selection":
            win.timeline.clear_selection()  # used: left selected it would stand in for the next I..O marks
            if win.marks.onset is not None or win.marks.offset is not None:
                win.coding.clear_marks()  # used too: O would now make an event of them
        if after is not None:
            win.neutral.view_action.setChecked(True)
            win.neutral.update()
            win.statusBar().showMessage(after.describe(), 10000)


class NeutralView:
    """The menu entries and the View toggle; draws the shown face's baseline on the timeline."""

    def __init__(self, win: MainWindow, analysis_menu: Any, view_menu: Any) -> None:
        self.win = win
        x = win.ctx.execute
        m = analysis_menu.addMenu("&Neutral frames (calibration)")
        win._action(m, "&Set from the selected frames (or the I mark to the play head)",
                    lambda: x(SetNeutral, mode="selection"))
        win._action(m, "&Find the calmest second", lambda: x(SetNeutral, mode="auto"))
        win._action(m, "&Clear", lambda: x(SetNeutral, mode="clear"))
        self.view_action = win._action(view_menu, "AUs relative to &neutral", self.update, checkable=True)
        self._cache: dict[tuple[Any, ...], np.ndarray] = {}
        self._cache_buf: Any = None  # the buffer _cache's curves come from: another one restarts its version at 1
        # the shown video's baselines, read once (face_note asks ~34 columns a frame; each read is SQL + JSON):
        # (project, video, baselines), dropped by update(), which every change of them calls
        self._baselines: tuple[Any, Any, dict[int, NeutralBaseline]] | None = None

    def column(self, face: int, col: str) -> np.ndarray | None:
        """A face's curve as the view shows it: with View > AUs relative to neutral on and neutral frames for the
        face, AUxx_r (and AUxx_L / AUxx_R) relative to them and AUxx_c recomputed from the relative AUxx_r
        (features.neutral.presence, the estimator's hysteresis; NaN, unknown, where the intensity is), as the
        relative export writes them; else the stored curve. Cached until the analysis or the baseline changes (the
        overlay asks on every frame)."""
        buf = self.win.analysis.buffer
        raw = buf.get(face, col) if buf is not None else None
        b = self.baseline(face)
        if b is None or buf is None:
            return raw
        rcol = col[:-2] + "_r" if col.endswith("_c") else col
        level = b.values.get(rcol)
        src = buf.get(face, rcol)
        if level is None or src is None:
            return raw
        if buf is not self._cache_buf:  # another video or a rerun: its versions say nothing about the old curves
            self._cache.clear()
            self._cache_buf = buf
        key = (face, col, buf.version, b.first, b.last, level)
        if key not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            rel = relative(src, level)
            self._cache[key] = presence(rel).astype(np.float32) if col.endswith("_c") else rel
        return self._cache[key]

    def baseline(self, face: int | None) -> NeutralBaseline | None:
        """The face's baseline while the relative view is on; None when it is off or the face has none."""
        if not self.view_action.isChecked() or face is None or self.win.video is None:
            return None
        return self.baselines().get(face)

    def baselines(self) -> dict[int, NeutralBaseline]:
        """The shown video's baselines by face, read from the project once until update() or another video."""
        win = self.win
        got = self._baselines
        if got is None or got[0] is not win.project or got[1] is not win.video:
            vid = win.video.id if win.video is not None else None
            got = self._baselines = (win.project, win.video, load_baselines(win.project, vid))
        return got[2]

    def update(self) -> None:
        """Draw the shown face's baseline when the toggle is on and the face has one; absolute values otherwise.
        Called after every change of the baselines (NeutralCommand's do and undo, face edits): they are read again."""
        win = self.win
        self._baselines = None
        face = win.selected_face()
        b = self.baseline(face)
        win.timeline.set_neutral(b.values if b else None, (b.first, b.last) if b else None)
        if win.overlay_action.isChecked() and win.video is not None:
            win.transport.request_current()  # the face labels over the video follow the view too (column())
        if self.view_action.isChecked() and b is None and win.analysis.buffer is not None:
            # a photo: not the Analysis > Neutral frames entry, which refuses photos
            why = f"AUs are absolute: {PHOTO_NEUTRAL}" if win.frame_count == 1 else \
                "no neutral frames for this face: AUs are absolute (Analysis > Neutral frames)"
            win.statusBar().showMessage(why, 8000)

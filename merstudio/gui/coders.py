"""Whose events are shown: each coder's and the model's events can be hidden (View > Coders shown), the coder
lanes ("Events by coder") come on by themselves on a video with more than one coder, and **blind coding** (Coding >
Blind coding) shows a coder only their own events: neither the other coders' nor the model's proposals, class
curves or model overlays, and no agreement report, until they finish. Turning it on or off is recorded in the
project (settings ``blind_coding`` per coder and the log ``blind_coding_log``); turning it off asks first.
Exports are unaffected: they read the project, not the view.

``visible_events`` is plain Python (tested without a window)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QLabel, QMenu

from merstudio.agreement.report import MODEL_CODER, coder_of
from merstudio.errors import InputError, MerstudioError
from merstudio.gui.commands import AppCommand, CommandContext, Params
from merstudio.gui.plain_text import menu_text
from merstudio.names import name_sort_key
from merstudio.project import Event

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

BLIND_KEY = "blind_coding"  # project setting: {coder: {"on": bool, "since": iso time}}
BLIND_LOG_KEY = "blind_coding_log"  # project setting: [{"coder", "action": "on"|"off", "time"}]
T = TypeVar("T")


def visible_events(events: Iterable[T], hidden: Iterable[str] = (), blind_coder: str | None = None,
                   coder: Callable[[Any], str] = coder_of) -> list[T]:
    """The events a coder sees: in blind mode (``blind_coder`` set) only that coder's own; otherwise every event
    whose coder (``model`` for the model's open proposals) is not hidden. ``coder`` names an event's coder (the
    behaviour events of gui/behaviours.py pass their ``coder`` field)."""
    if blind_coder is not None:
        return [e for e in events if coder(e) == blind_coder]
    hide = set(hidden)
    return [e for e in events if coder(e) not in hide]


def human_coders(events: Iterable[Event]) -> list[str]:
    """The coders of a video's events other than the model (rejected proposals do not count)."""
    return sorted({coder_of(e) for e in events if e.status != "rejected"} - {MODEL_CODER}, key=name_sort_key)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


class CoderView:
    """The coder filter of one window: hidden coders, blind mode, automatic coder lanes."""

    def __init__(self, win: MainWindow) -> None:
        self.win = win
        self.hidden: set[str] = set()
        self.blind = False
        self._session_blind: dict[str, bool] = {}  # read-only projects: blind mode kept in memory only
        self._auto_lanes = False  # the coder lanes were switched on by us (not by the user)
        # (project, video id) -> human coders when its events were last shown
        self._coders_seen: dict[tuple[int, int], int] = {}
        self._key: tuple[Any, ...] | None = None
        self.menu = QMenu("Code&rs shown", win)
        self.menu.aboutToShow.connect(self._build_menu)
        self.blind_action = win._action(win.menus["coding"], "B&lind coding (hide others' codes and the model's)",
                                        self._toggle_blind, checkable=True)
        win.menus["view"].addMenu(self.menu)
        self.badge = QLabel("blind coding", win)
        self.badge.setStyleSheet("QLabel { color: white; background: #4a148c; padding: 0 6px; }")
        self.badge.setToolTip("Blind coding: the other coders' events and the model's proposals and curves are "
                              "hidden until you finish (Coding > Blind coding)")
        self.badge.hide()
        win.statusBar().addPermanentWidget(self.badge)

    # ---------------------------------------------------------------- what is shown
    def filter(self, events: Sequence[Event]) -> list[Event]:
        """The current video's events as shown (the window's reload_events calls it with all of them)."""
        self._auto_coder_lanes(events)
        return visible_events(events, self.hidden, self.win.coder if self.blind else None)

    def stored_blind(self) -> bool:
        """Whether the current coder is in blind mode on the open project (as recorded)."""
        win = self.win
        if win.project is None or not win.coder:
            return False
        if win.coder in self._session_blind:
            return self._session_blind[win.coder]
        rec = (win.project.get_setting(BLIND_KEY) or {}).get(win.coder)
        return bool(rec.get("on")) if isinstance(rec, dict) else False

    def update(self) -> None:
        """Follow the window (a project opened, the coder changed, a video switched, new curves)."""
        win = self.win
        if win.buffer is not None and win.buffer.hide_model != self.blind:
            win.buffer.hide_model = self.blind  # before the timeline draws it: no class curves in blind mode
        key = (id(win.project), win.coder, win.video.id if win.video is not None else None)
        if key == self._key:
            return
        old, self._key = self._key, key
        project_or_coder_changed = old is None or key[:2] != old[:2]
        if project_or_coder_changed:
            # the coder's name changed on the same project (Edit > Set coder): the name it had before
            renamed_from = str(old[1] or "") if old is not None and key[0] == old[0] else None
            if renamed_from is None:
                self._session_blind.clear()
            blind = self.stored_blind()
            if renamed_from is not None and self.blind and not blind and win.project is not None and win.coder:
                # blind coding goes on under the new name, recorded like any switch; only Coding > Blind coding
                # (which asks first) ends it
                try:
                    self._record_blind(win.coder, True, previous=renamed_from)
                except MerstudioError as exc:  # not recorded (a full disk): blind all the same, for this session
                    self._session_blind[win.coder] = True
                    win.show_error(f"blind coding stays on for {win.coder}, but was not recorded: {exc}")
                blind = True
            if blind != self.blind or (blind and renamed_from is not None):
                self._apply_blind(blind)  # blind under another name: that coder's own events are shown

    def _auto_coder_lanes(self, events: Sequence[Event]) -> None:
        """Coder lanes on by default where a video has more than one coder: when a video is first shown with more
        than one, or gets a second coder (an import); off again where we switched them on and one is left. A
        choice the user made in between (Shift+C) stands until the next such change."""
        win = self.win
        if win.video is None or self.blind:
            return
        n = len(human_coders(events))
        key = (id(win.project), win.video.id)
        before = self._coders_seen.get(key, 0)
        self._coders_seen[key] = n
        on = win.coder_view_action.isChecked()
        if n > 1 and before <= 1 and not on:
            win.set_coder_view(True)
            self._auto_lanes = True
        elif n <= 1 and on and self._auto_lanes:
            win.set_coder_view(False)
            self._auto_lanes = False

    def set_hidden(self, coder: str, hidden: bool) -> None:
        (self.hidden.add if hidden else self.hidden.discard)(coder)
        self._shown_changed()

    def _shown_changed(self) -> None:
        self.win.coding.reload()
        if hasattr(self.win, "first_run"):
            self.win.first_run.update()  # the other followers (the behaviour events) follow the coders shown

    def _build_menu(self) -> None:
        self.menu.clear()
        win = self.win
        if self.blind:
            self.menu.addAction("(blind coding: only your own events)").setEnabled(False)
            return
        evs = win.project.events(win.video.id) if win.project is not None and win.video is not None else []
        names = human_coders(evs) + [MODEL_CODER]
        for name in names:
            n = sum(1 for e in evs if coder_of(e) == name)
            label = f"{menu_text(name)}  ({n})" if name != MODEL_CODER else f"model's proposals  ({n})"
            act = self.menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(name not in self.hidden)
            act.toggled.connect(lambda on, c=name: self.set_hidden(c, not on))
        self.menu.addSeparator()
        show_all = self.menu.addAction("Show &all")
        show_all.triggered.connect(lambda *_: self.show_all())

    def show_all(self) -> None:
        self.hidden.clear()
        self._shown_changed()

    # ---------------------------------------------------------------- blind coding
    def _toggle_blind(self) -> None:
        want = self.blind_action.isChecked()
        self.blind_action.setChecked(self.blind)  # until it has happened
        self.win.ctx.execute(SetBlindCoding, on=want)

    def set_blind(self, on: bool) -> None:
        """Switch blind coding for the current coder and record it in the project (in memory when read-only)."""
        win = self.win
        if win.project is None:
            raise InputError("blind coding: open a project first")
        coder = win.coding.require_coder()
        if on == self.blind:
            return
        self._record_blind(coder, on)
        self._apply_blind(on)

    def _record_blind(self, coder: str, on: bool, previous: str = "") -> None:
        """Record a switch of blind coding for ``coder`` in the project (in memory when read-only); ``previous``:
        the coder name it went on under before a change of name (kept in the log entry as ``from``)."""
        win = self.win
        assert win.project is not None
        carried = f" for {coder} (was {previous})" if previous else ""
        if win.project.read_only:
            self._session_blind[coder] = on
            win.statusBar().showMessage("Blind coding " + ("on" if on else "off") + carried + " (read-only project: "
                                        "not recorded)", 6000)
            return
        state = dict(win.project.get_setting(BLIND_KEY) or {})
        log = list(win.project.get_setting(BLIND_LOG_KEY) or [])
        when = _now()
        state[coder] = {"on": on, "since": when}
        entry = {"coder": coder, "action": "on" if on else "off", "time": when,
                 "video": win.video.name if win.video is not None else ""}
        if previous:
            entry["from"] = previous
        log.append(entry)
        win.project.set_settings({BLIND_KEY: state, BLIND_LOG_KEY: log})  # one transaction
        if carried:
            win.statusBar().showMessage(f"Blind coding stays on{carried}: Coding > Blind coding ends it", 6000)

    def _apply_blind(self, on: bool) -> None:
        win = self.win
        self.blind = on
        self.blind_action.setChecked(on)
        self.badge.setVisible(on)
        if on and win.coder_view_action.isChecked() and self._auto_lanes:
            win.set_coder_view(False)
            self._auto_lanes = False
        # the model's class curves (ours and the dashed overlays, all on the class lane): the lane is hidden and
        # our buffer gives no class columns, so neither the lane nor the readout shows a class probability
        if win.buffer is not None:
            win.buffer.hide_model = on
        win.timeline._show_track(win.timeline.class_plot, not on)
        win.timeline.set_buffer(None)
        win.timeline.set_buffer(win.buffer, win.selected_face())
        win.coding.reload()
        if hasattr(win, "first_run"):
            win.first_run.update()  # the other followers (behaviour events, the model note) follow blind mode

    def require_not_blind(self, what: str) -> None:
        if self.blind:
            raise InputError(f"{what}: not while blind coding (it shows the other coders' codes); finish blind "
                             "coding first (Coding > Blind coding)")


class SetBlindCoding(AppCommand):
    """Coding > Blind coding: ``ask`` confirms turning it off (params confirmed skips it), ``do`` switches it for
    the current coder and records it. params: on."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        if params["on"] or params.get("confirmed"):
            return True
        return bool(ctx.win.confirm(
            "Finish blind coding?\n\nYou will see the other coders' events and the model's proposals and curves. "
            "That you finished, and when, is recorded in the project."))

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.coders_view.set_blind(bool(params["on"]))

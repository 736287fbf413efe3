"""File > Import events given an events CSV of several videos (File > Export > Events of all videos writes one):
each video's rows into its own video, as `merstudio convert --project P --import FILE --video all` does, through
the same core function (interchange.preview_all_events). One confirmation lists, per video, how many events are
new, already there or to skip, and the names matching no video of the project (their rows are left out); the
import is one undo step (ImportEventsCommand spans videos). Used by commands.ImportEvents, whose params it reads:
path, fmt, fps_override, replace, skip_bad, coder (of the rows naming none: the confirmation's Coder field, where
such rows are, sets it, as the one-video preview's does); ``all_videos`` (set on the way: whether the file is such a
file) and ``all_preview`` (the confirmed previews)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from merstudio.errors import FrameRateMismatch, MerstudioError
from merstudio.gui.dialogs import CoderField, names_no_coder

SHOWN = 20  # videos listed by name in the confirmation; the rest counted


def several_videos(ctx: Any, params: dict[str, Any]) -> bool:
    """Whether the import's file is an events CSV naming several videos and the project can tell its rows apart
    (no two videos of one file name: then the file goes into the current video, as any file does). Kept in params
    ``all_videos``."""
    if "all_videos" not in params:
        from merstudio.interchange import detect_format, events_csv_videos, shared_video_names

        try:
            params["all_videos"] = (detect_format(params["path"], params.get("fmt")) == "events-csv"
                                    and len(events_csv_videos(params["path"])) > 1
                                    and not shared_video_names(ctx.win.require_writable()))
        except MerstudioError:
            params["all_videos"] = False  # the one-video reader says what is wrong with it
    return bool(params["all_videos"])


def _preview(ctx: Any, params: dict[str, Any], read_for: list[int] | None = None) -> Any:
    """Every video's rows read against the project, in a worker through a snapshot of it (workers.call_in_worker:
    the window is drawn meanwhile). ``read_for``: the ids of the videos whose rows were read, in turn, appended to
    (where the read raises, the last one's rows raised it)."""
    from merstudio.gui.commands import _own_times, _read_in_worker
    from merstudio.interchange import preview_all_events
    from merstudio.project.snapshot import read_snapshot

    win = ctx.win
    times = {win.require_video().id: _own_times(win.playback.timebase.times)}  # the others': what their analysis stored
    reader = read_snapshot(win.require_writable())

    def times_of(video_id: int) -> Any:  # asked for each video just before its rows are read
        if read_for is not None:
            read_for.append(video_id)
        return times.get(video_id)

    def read() -> Any:
        try:
            return preview_all_events(reader, params["path"], times=times_of,
                                      fps_override=bool(params.get("fps_override")),
                                      coder=params.get("coder") or None, replace=bool(params.get("replace")))
        finally:
            reader.close()

    return _read_in_worker(win, read, Path(params["path"]))


def question(found: Any) -> str:
    """The confirmation: one line per video the file names (the first SHOWN: new, already there, to skip, replacing,
    its open proposals reviewed here, the open proposals here its reviews replace), then the names matching none."""
    from merstudio.interchange import resolved_line

    lines = found.lines()
    # each video's open proposals the file's reviews replace, in the words the line after the import says them
    per_video = [line + (f", {resolved_line(len(p.resolves))}" if p.resolves else "")
                 for line, (_, p) in zip(lines, found.parts, strict=False)]
    rest = lines[len(found.parts):]
    if len(per_video) > SHOWN:
        per_video = [*per_video[:SHOWN], f"... and {len(per_video) - SHOWN} more videos"]
    return (f"{found.path.name} holds the events of several videos. Import each video's rows into its own "
            "video?\n\n" + "\n".join(per_video + rest) + "\n\nOne undo step takes the whole import back.")


def _index_first(ctx: Any, params: dict[str, Any]) -> bool:
    """Index, in a worker, the variable-rate files of the videos the file names whose times the preview would read
    from the file (not analysed to their end; not the current one: its player's times are known). False:
    cancelled."""
    from merstudio.gui.index_first import index_videos, unanalysed_paths
    from merstudio.interchange import events_csv_videos
    from merstudio.interchange.common import name_key

    win = ctx.win
    proj = win.require_writable()
    named, current = {name_key(n) for n in events_csv_videos(params["path"])}, win.require_video().id
    ids = [v.id for v in proj.videos() if name_key(v.name) in named and v.id != current]
    return index_videos(win, unanalysed_paths(proj, ids), "for its events' times")


def ask(ctx: Any, params: dict[str, Any]) -> bool:
    """Preview every video's rows and ask once; False: cancelled (also while a video's frames were indexed)."""
    if not _index_first(ctx, params):
        return False
    read_for: list[int] = []
    try:
        found = _preview(ctx, params, read_for)
    except FrameRateMismatch as exc:  # a video coded on another copy of it (another rate): offer to convert
        if exc.same_rate():  # the same rate, other times: converting would land them wrong; say what to do
            ctx.win.show_error(str(exc))
            return False
        from merstudio.gui.commands import _rate_question
        from merstudio.interchange.events_csv import VariableRateFile

        name = Path(params["path"]).name
        if isinstance(exc, VariableRateFile):  # no one rate to name: what the one-video import asks, of its video
            asking = _rate_question(name, exc, ctx.win.project.video(read_for[-1]) if read_for else None)
        else:
            video = ctx.win.project.video(read_for[-1]) if read_for else None
            which = f"the rows of {video.name}" if video is not None else "rows of a video"
            asking = (f"{name}: {which} were coded at {exc.file_fps:g} fps; that video has "
                      f"{exc.video_fps:g} fps. Import their times at each video's rate? (Its times would otherwise "
                      "land on the wrong frames.)")
        if not ctx.win.confirm(asking):
            return False
        params["fps_override"] = True
        found = _preview(ctx, params)
    if not params.get("coder") and names_no_coder(p for _, p in found.parts):
        # rows naming no coder: the one-video preview's Coder field, filled with the app's coder, the file read for
        # it (they had no coder at all); a file naming its coders is confirmed as before
        found = _ask_coder(ctx, params, found)
        if found is None:
            return False
    elif not ctx.win.confirm(question(found)):
        return False
    params["all_preview"], params["skip_bad"] = found, True  # the user saw what is skipped and confirmed
    return True


class CoderQuestion(QDialog):
    """The confirmation (:func:`question`) of a file whose rows name no coder, with the one-video preview's Coder
    field (dialogs.CoderField): ``reread(coder)`` reads every video's rows again for the name typed; :attr:`found`
    is what confirming imports, :attr:`coder` whose its coderless rows are ('': no coder)."""

    def __init__(self, found: Any, parent: Any, reread: Callable[[str], Any], app_coder: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {found.path.name}")
        self.found = found
        self.text = QLabel(question(found), self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # video and coder names, as written
        self.field = CoderField(self, found, reread, lambda f: [e for _, p in f.parts for e in p.events],
                                self._reread, app_coder, app_coder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.Cancel,
                                   parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(self.field)
        lay.addWidget(buttons)

    @property
    def coder(self) -> str:
        return self.field.coder

    def _reread(self, found: Any) -> None:
        self.found = found
        self.text.setText(question(found))


def _ask_coder(ctx: Any, params: dict[str, Any], found: Any) -> Any:
    """:class:`CoderQuestion` for ``found`` (read for no coder): what to import, read for the coder confirmed
    (params ``coder``); None: cancelled."""
    app_coder = (ctx.win.coder or "").strip()

    def reread(coder: str) -> Any:
        return _preview(ctx, {**params, "coder": coder})

    dlg = CoderQuestion(reread(app_coder) if app_coder else found, ctx.win, reread, app_coder)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    params["coder"] = dlg.coder
    return dlg.found


def do(ctx: Any, params: dict[str, Any]) -> None:
    """Import every video's rows as one undo step; InputError (nothing imported) when a video's rows would all be
    skipped, or skipped items are not confirmed, or nothing is new."""
    found = params.get("all_preview") or _preview(ctx, params)
    events, gone, resolved, coded = [], [], [], {}
    # every video checked first; one whose rows were all proposals reviewed here brings nothing (the line says so)
    for (v, prev), evs in zip(found.parts, found.accept(skip_bad=bool(params.get("skip_bad"))), strict=True):
        events += evs
        gone += prev.replaces
        resolved += prev.resolves  # open proposals its reviewed events cover (interchange.ProjectImport.resolves)
        coded[v.id] = list(prev.file_coders)
    dup = sum(len(p.duplicates) for _, p in found.parts)
    # the file's open proposals reviewed here already: left out (the review stands), said as the CLI's preview says
    mine = sum(len(p.reviewed_here) for _, p in found.parts)
    if not events and not gone and not resolved:
        from merstudio.gui.commands import _nothing_to_import

        raise _nothing_to_import(found.path, dup, mine)
    from merstudio.interchange import resolved_line, reviewed_here_line

    here = reviewed_here_line(mine) if mine else ""
    into = sum(1 for _, p in found.parts if p.events or p.replaces)
    name = found.path.name
    videos = f"{into} video{'s' if into != 1 else ''}"
    text = (f"Import {len(events)} event(s) into {videos} from {name}" if not gone else
            f"Replace {len(gone)} event(s) by {len(events)} in {videos} from {name}")
    ctx.win.coding.push_import(events, text, replaces=[*gone, *resolved], coded=coded)
    per = ", ".join(f"{len(p.events)} into {v.name}" for v, p in found.parts if p.events)
    extra = [resolved_line(len(resolved)) if resolved else "", f"{dup} already in the project" if dup else "", here,
             f"rows of {len(found.unknown)} video name(s) matching no video left out" if found.unknown else ""]
    extra = [x for x in extra if x]
    line = f"Imported {per} from {name}" if per else f"Removed {len(gone)} event(s) the file replaces ({name})" \
        if gone else f"Imported no new events from {name}"
    ctx.win.statusBar().showMessage(line + (f" ({'; '.join(extra)})" if extra else ""), 10000)

"""The fault run of issue 14, as tests: kill -9 at random points of a process that edits a project (add, edit,
delete, save) or exports from it (events CSV/XLSX, summary CSV/PNG), many times in a row on the same files.

After every kill: the project opens for writing, passes SQLite's integrity check and the schema check (Project.open),
holds every edit the child reported committed (the child reports an intent before each edit and "done" after its
commit; only the one edit in flight may go either way), and its backup, when present, is a whole database; an export
holds either its previous complete content or the new complete content (never 0 bytes, never torn); the next open
and the next export remove what the killed child left (no hidden `.part` temporary, no rollback journal).

To keep 15-20 kills of each kind within seconds, the children are forked from one "zygote" process that has imported
merstudio once (POSIX only). Kill points are drawn from a seeded RNG (how many committed edits to wait for, then a
short random delay that lands the kill anywhere in the next edit or export).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from project_rows import rows

from merstudio.project import Event, Project
from merstudio.project import export as ex

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="the fault run forks its children (POSIX only)")]

KILLS = 20
EXPORT_KILLS = 15  # an export is slower than an edit
APP_KILLS = 15  # each round starts the app's window
SEED = 14

ZYGOTE = textwrap.dedent(r"""
    import hashlib, json, os, random, sys
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.figure, openpyxl, pandas  # noqa: F401  (imported once, before forking)
    from merstudio.project import Event, Project
    from merstudio.project import export as ex

    def say(kind, **fields):
        os.write(1, (kind + " " + json.dumps(fields) + "\n").encode())  # one write: whole lines even when killed

    def digest(path):
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()

    def state(e):
        return [e.onset, e.apex, e.offset, e.emotion, e.aus, e.note]

    def edit(p, vid, rng, n):
        ids = [e.id for e in p.events(vid)]
        op = rng.choice(["add", "add", "edit", "delete"] if ids else ["add"])
        if op == "add":
            on = rng.randrange(0, 30)
            ev = Event(vid, on, on + 1, on + 3, emotion=rng.choice(["positive", "negative"]), aus="12", coder="w",
                       note=f"n{n}")
            say("intent", op="add", state=state(ev))
            e = p.add_event(ev)
            say("done", op="add", id=e.id, state=state(e))
        elif op == "edit":
            old = p.event(rng.choice(ids))
            on = rng.randrange(0, 30)
            new = Event(vid, on, on + 2, on + 4, emotion="surprise", aus="1+2", coder="w", note=f"e{n}", id=old.id)
            say("intent", op="edit", id=old.id, state=state(new))
            p.update_event(new)
            say("done", op="edit", id=old.id, state=state(new))
        else:
            eid = rng.choice(ids)
            say("intent", op="delete", id=eid)
            p.delete_event(eid)
            say("done", op="delete", id=eid)

    APP = len(sys.argv) > 1 and sys.argv[1] == "app"
    if APP:  # the app's modules, imported once (no QApplication before the fork)
        import cv2  # noqa: F401  (before Qt, as in the app)
        from PySide6.QtCore import QSettings, QStandardPaths
        from merstudio.gui import commands as C
        from merstudio.gui.app import make_app
        from merstudio.gui.main_window import MainWindow

    def app_worker(video, out, seed):
        # the app's own save path: commands through CommandContext.execute, as the menus and keys run them
        rng = random.Random(seed)
        QStandardPaths.setTestModeEnabled(True)
        app = make_app(["merstudio-faults"])
        qs = QSettings(os.path.join(out, "settings.ini"), QSettings.Format.IniFormat)
        qs.setValue("coder", "tester")
        win = MainWindow(qsettings=qs)
        if not win.ctx.execute(C.OpenVideo, path=video, project="beside"):
            raise RuntimeError("; ".join(win.errors))
        p = win.project
        say("ready", pid=os.getpid())
        for n in range(100000):
            ids = [e.id for e in p.events()]
            r = rng.random()
            if r < 0.2:
                say("intent", op="save")
                ok = win.ctx.execute(C.SaveProject)
                step = dict(op="save")
            elif r < 0.55 or not ids:
                on = rng.randrange(0, 30)
                fields = dict(emotion="positive", aus="12", note=f"n{n}")
                say("intent", op="add", state=[on, on + 1, on + 3, "positive", "12", f"n{n}"])
                ok = win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 3, **fields)
                e = p.event(win.selected_event_id)
                step = dict(op="add", id=e.id, state=state(e))
            elif r < 0.8:
                eid = rng.choice(ids)
                on = rng.randrange(0, 30)
                new = [on, on + 2, on + 4, "surprise", "1+2", f"e{n}"]
                say("intent", op="edit", id=eid, state=new)
                ok = win.ctx.execute(C.EditEvent, event_id=eid, changes=dict(zip(
                    ("onset", "apex", "offset", "emotion", "aus", "note"), new)))
                step = dict(op="edit", id=eid, state=state(p.event(eid)))
            else:
                eid = rng.choice(ids)
                say("intent", op="delete", id=eid)
                ok = win.ctx.execute(C.DeleteEvent, event_id=eid)
                step = dict(op="delete", id=eid)
            if not ok:
                raise RuntimeError("; ".join(win.errors))
            say("done", **step)
            app.processEvents()
        os._exit(0)

    def worker(kind, path, out, seed):
        if kind == "app":
            app_worker(path, out, seed)
        rng = random.Random(seed)
        p = Project.open(path, in_use="raise")
        vid = p.videos()[0].id
        say("ready", pid=os.getpid())
        for n in range(100000):
            r = rng.random()
            if kind == "save" and r < 0.15:
                say("intent", op="save")
                p.save()
                say("done", op="save")
            elif kind == "export" and r < 0.6:
                name = rng.choice(["events.csv"] * 3 + ["events.xlsx", "summary.csv"] * 2 + ["summary.png"])
                target = os.path.join(out, name)
                say("intent", op="export", name=name)
                if name == "events.csv":
                    ex.export_events_csv(p, target)
                elif name == "events.xlsx":
                    ex.export_events_xlsx(p, target)
                elif name == "summary.csv":
                    ex.export_summary(p, vid, target)
                else:
                    ex.export_summary(p, vid, os.path.join(out, "summary.csv"), target)
                written = [name] + (["summary.csv"] if name == "summary.png" else [])
                say("done", op="export", name=name, digests={n: digest(os.path.join(out, n)) for n in written})
            else:
                edit(p, vid, rng, n)
        os._exit(0)

    for line in sys.stdin:
        cmd = line.split()
        if cmd[0] == "go":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                try:
                    worker(cmd[1], cmd[2], cmd[3], int(cmd[4]))
                except BaseException as exc:
                    say("error", text=f"{type(exc).__name__}: {exc}")
                os._exit(1)
        elif cmd[0] == "reap":
            os.waitpid(int(cmd[1]), 0)
            say("reaped")
""")


class Zygote:
    def __init__(self, tmp: Path, app: bool = False) -> None:
        # TMPDIR: openpyxl streams a sheet through a file in the system temp folder, which a kill leaves there
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp)}
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, *(["app"] if app else [])],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
        self.child: int | None = None

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def read(self) -> tuple[str, dict]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the zygote ended"
        kind, _, fields = line.partition(" ")
        msg = json.loads(fields)
        assert kind != "error", msg["text"]
        return kind, msg

    def run_and_kill(self, kind: str, path: Path, out: Path, seed: int, rng: random.Random) -> list[tuple[str, dict]]:
        """Fork a worker, let it commit a random number of steps, kill -9 it a random moment later; returns every
        line it reported (ready, intent, done)."""
        self.send(f"go {kind} {path} {out} {seed}")
        kind_, msg = self.read()
        assert kind_ == "ready", (kind_, msg)
        self.child = msg["pid"]
        got: list[tuple[str, dict]] = []
        wait_for = rng.randrange(0, 8)
        while sum(k == "done" for k, _ in got) < wait_for:
            got.append(self.read())
        time.sleep(rng.uniform(0, 0.015))  # lands the kill anywhere in the next step
        os.kill(self.child, signal.SIGKILL)
        self.send(f"reap {self.child}")
        while True:  # what it reported between our last read and the kill
            k, m = self.read()
            if k == "reaped":
                break
            got.append((k, m))
        self.child = None
        return got

    def close(self) -> None:
        if self.child is not None:
            try:
                os.kill(self.child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                f.close()


@pytest.fixture
def zygote(tmp_path_factory):
    z = Zygote(tmp_path_factory.mktemp("zygote_tmp"))
    yield z
    z.close()


@pytest.fixture
def app_zygote(tmp_path_factory):
    z = Zygote(tmp_path_factory.mktemp("zygote_tmp"), app=True)
    yield z
    z.close()


@pytest.fixture
def study(tmp_path, video_file):
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        v = p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        aid = p.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
        p.append_frames(aid, rows(40))
        p.finish_analysis(aid)
        p.add_event(Event(v.id, 5, 8, 12, emotion="positive", aus="12+6", coder="ann"))
    return path


def state(e: Event) -> list:
    return [e.onset, e.apex, e.offset, e.emotion, e.aus, e.note]


class Model:
    """The events as the killed children reported them committed; `settle` checks the project against it."""

    def __init__(self, project: Project) -> None:
        self.events = {e.id: state(e) for e in project.events()}
        self.lost = 0  # committed edits missing after a kill (or changes nobody made)

    def settle(self, reports: list[tuple[str, dict]], project: Project) -> None:
        pending = None
        for kind, msg in reports:
            if kind == "intent":
                pending = msg
            elif kind == "done":
                pending = None
                if msg["op"] == "add":
                    self.events[msg["id"]] = msg["state"]
                elif msg["op"] == "edit":
                    self.events[msg["id"]] = msg["state"]
                elif msg["op"] == "delete":
                    del self.events[msg["id"]]
        actual = {e.id: state(e) for e in project.events()}
        allowed = [dict(self.events)]  # the edit in flight either committed or not
        if pending is not None and pending["op"] == "add":
            new = set(actual) - set(self.events)
            if len(new) == 1 and actual[next(iter(new))] == pending["state"]:
                allowed.append({**self.events, next(iter(new)): pending["state"]})
        elif pending is not None and pending["op"] == "edit":
            allowed.append({**self.events, pending["id"]: pending["state"]})
        elif pending is not None and pending["op"] == "delete":
            allowed.append({k: v for k, v in self.events.items() if k != pending["id"]})
        if actual not in allowed:
            self.lost += 1
        self.events = actual


def check_project(path: Path) -> Project:
    """Open as the next user would: for writing, checked; the caller closes it."""
    p = Project.open(path, in_use="raise")
    assert not p.read_only, p.read_only_reason
    assert p.integrity_check() == "ok"
    return p


def leftovers(folder: Path) -> list[str]:
    return sorted(f.name for f in folder.iterdir()
                  if f.name.endswith((".part", "-journal")) or f.name.endswith(".bak.tmp"))


def whole_database(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and \
            con.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= 0
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()


def test_kill_9_while_editing_and_saving_loses_no_committed_edit(zygote, study, tmp_path):
    rng = random.Random(SEED)
    with check_project(study) as p:
        model = Model(p)
    bak = study.with_name(study.name + ".bak")
    done = saves = torn_backups = 0
    for k in range(KILLS):
        reports = zygote.run_and_kill("save", study, tmp_path, SEED * 1000 + k, rng)
        done += sum(kind == "done" for kind, _ in reports)
        saves += sum(kind == "done" and m["op"] == "save" for kind, m in reports)
        with check_project(study) as p:  # removes what the killed save left
            model.settle(reports, p)
            assert leftovers(study.parent) == [], f"after kill {k}"
        if bak.exists() and not whole_database(bak):
            torn_backups += 1
    print(f"\nsave run: {KILLS} kills, {done} committed steps ({saves} saves), {model.lost} lost, "
          f"{torn_backups} torn backups")
    assert done > KILLS  # the children did get work done between kills
    assert model.lost == 0
    assert torn_backups == 0
    assert not study.with_name(study.name + ".lock").exists()  # the last clean close removed it


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _fresh(project: Project, name: str, scratch: Path) -> bytes | pd.DataFrame:
    """What an export of `name` made now would hold (a table for the XLSX, whose zip has times in it)."""
    vid = project.videos()[0].id
    dst = scratch / name
    if name == "events.csv":
        ex.export_events_csv(project, dst)
    elif name == "events.xlsx":
        ex.export_events_xlsx(project, dst)
        return pd.read_excel(dst)
    else:
        ex.export_summary(project, vid, dst)
    return dst.read_bytes()


def _whole_png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def test_kill_9_while_exporting_leaves_old_or_new_whole_files(zygote, study, tmp_path):
    rng = random.Random(SEED + 1)
    out = tmp_path / "exports"
    out.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    names = ("events.csv", "events.xlsx", "summary.csv", "summary.png")
    with check_project(study) as p:
        model = Model(p)
    last: dict[str, str | None] = dict.fromkeys(names)  # digest of each export's last complete version
    done = exports = torn = temps_seen = 0
    for k in range(EXPORT_KILLS):
        reports = zygote.run_and_kill("export", study, out, SEED * 2000 + k, rng)
        done += sum(kind == "done" for kind, _ in reports)
        in_flight: set[str] = set()
        for kind, m in reports:
            if m.get("op") != "export":
                continue
            if kind == "intent":
                in_flight = {m["name"]} | ({"summary.csv"} if m["name"] == "summary.png" else set())
            else:
                exports += 1
                last.update(m["digests"])  # what the child found in the files right after the export
                in_flight = set()
        temps_seen += len([f for f in out.iterdir() if f.name.endswith(".part")])
        with check_project(study) as p:
            model.settle(reports, p)
            for n in names:
                f = out / n
                if f.exists() and f.stat().st_size == 0:
                    torn += 1
                    continue
                if _digest(f) == last[n]:
                    continue  # the previous complete version (or still none)
                if n not in in_flight:
                    torn += 1  # changed, but nobody was writing it
                elif n == "summary.png":
                    torn += not _whole_png(f.read_bytes())
                elif n == "events.xlsx":
                    try:
                        same = pd.read_excel(f).equals(_fresh(p, n, scratch))
                    except Exception:  # not a readable workbook
                        same = False
                    torn += not same
                else:
                    torn += f.read_bytes() != _fresh(p, n, scratch)
                last[n] = _digest(f)  # the new complete version
    with check_project(study) as p:  # the next export of each file removes what the killed ones left
        vid = p.videos()[0].id
        ex.export_events_csv(p, out / "events.csv")
        ex.export_events_xlsx(p, out / "events.xlsx")
        ex.export_summary(p, vid, out / "summary.csv", out / "summary.png")
    print(f"\nexport run: {EXPORT_KILLS} kills, {done} completed steps ({exports} exports), {model.lost} lost edits, "
          f"{torn} torn or 0-byte exports, {temps_seen} temporaries left by kills")
    assert done > EXPORT_KILLS
    assert model.lost == 0
    assert torn == 0
    assert leftovers(out) == [] and leftovers(study.parent) == []


def test_kill_9_while_the_app_edits_and_saves_loses_no_committed_edit(app_zygote, tmp_path):
    """The app's own path (commands -> undo stack -> store; File > Save), headless, killed at random points."""
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    from merstudio.io import open_source

    media = tmp_path / "media"
    media.mkdir()
    video = media / "clip.avi"
    wr = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 30, (160, 120))
    for i in range(40):
        wr.write(np.full((120, 160, 3), 3 * i, np.uint8))
    wr.release()
    path = media / "clip.merproj"
    src = open_source(video)
    try:
        with Project.create(path) as p:
            p.add_source(src)
    finally:
        src.close()
    rng = random.Random(SEED + 2)
    with check_project(path) as p:
        model = Model(p)
    done = saves = torn_backups = 0
    for k in range(APP_KILLS):
        reports = app_zygote.run_and_kill("app", video, tmp_path, SEED * 3000 + k, rng)
        done += sum(kind == "done" for kind, _ in reports)
        saves += sum(kind == "done" and m["op"] == "save" for kind, m in reports)
        with check_project(path) as p:
            assert len(p.videos()) == 1
            model.settle(reports, p)
            assert leftovers(media) == [], f"after kill {k}"
        bak = path.with_name(path.name + ".bak")
        if bak.exists() and not whole_database(bak):
            torn_backups += 1
    print(f"\napp run: {APP_KILLS} kills, {done} committed steps ({saves} saves), {model.lost} lost, "
          f"{torn_backups} torn backups")
    assert done > APP_KILLS
    assert model.lost == 0
    assert torn_backups == 0

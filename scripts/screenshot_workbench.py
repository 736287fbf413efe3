#!/usr/bin/env python
"""Screenshots of the coder's workbench (offscreen Qt): the empty window (first_run_empty.png), a video opened but
not analysed yet (first_run_video.png), and the demo analysed with the starter model, two coders and two
behaviours coded (workbench.png: the model note beside the class lane, coder lanes, the behaviours lane).

    .venv/bin/python scripts/screenshot_workbench.py [--out docs/screenshots] [--size 1366x768] [--no-analysis]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import _shot


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=_shot.OUT)
    ap.add_argument("--size", default="1366x768", help="window size WxH")
    ap.add_argument("--no-analysis", action="store_true", help="only the first two (no analysis run)")
    args = ap.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))

    app = _shot.app()
    import shutil

    from merstudio.gui import commands as C
    from merstudio.resources import demo_video

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        win = _shot.make_window(tmp, (width, height))
        try:
            _shot.pump(20)
            _shot.save(win, args.out / "first_run_empty.png")
            video = Path(shutil.copy(demo_video(), Path(tmp) / "interview.mp4"))
            if not win.ctx.execute(C.OpenVideo, path=str(video), project="current"):
                print("screenshot: " + "; ".join(win.errors))
                return 1
            _shot.wait_open(win)
            _shot.wait_frame(win)
            _shot.pump(20)
            _shot.save(win, args.out / "first_run_video.png")
            if not args.no_analysis:
                return _workbench(app, win, args.out / "workbench.png")
        finally:
            from merstudio.gui.app import dispose

            dispose(win)
    return 0


def _workbench(app, win, path: Path) -> int:
    from merstudio.gui import commands as C
    from merstudio.gui.behaviours import CodeBehaviour
    from merstudio.project import Behaviour, Event
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    if not ((ckpt is None or win.ctx.execute(C.LoadCheckpoint, path=str(ckpt), confirmed=True))
            and win.ctx.execute(C.RunAnalysis, confirmed=True)):
        print("screenshot: " + "; ".join(win.errors))
        return 1
    _shot.wait_analysis(win)
    v = win.video.id
    props = [e for e in win.events if e.status == "proposal"]
    for e in props[:2]:  # a second coder coded the same moments
        win.project.add_event(Event(v, e.onset, e.apex, e.offset, emotion="positive", aus="6+12", coder="coder-b"))
    if props:
        win.ctx.execute(C.SetProposalStatus, event_id=props[0].id, status="accepted", advance=False)
        win.ctx.execute(C.EditEvent, event_id=props[0].id, changes={"emotion": "positive", "aus": "6+12"})
    gaze = win.behaviours.add(Behaviour("gaze away", key="1", kind="state", colour="#5e35b1"))
    nod = win.behaviours.add(Behaviour("nod", key="2", kind="point", colour="#00897b"))
    for bid, frames in ((gaze.id, (60, 140, 300, 380)), (nod.id, (200,)), (nod.id, (450,))):
        for f in frames:
            win.ctx.execute(CodeBehaviour, behaviour_id=bid, frame=f)
    win.session.select_video(v)
    if props:
        win.coding.select(props[0].id, seek=True)
        win.transport.seek(props[0].apex)
    _shot.pump(50)
    _shot.wait_frame(win)
    win.timeline.refresh()
    app.processEvents()
    _shot.save(win, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Regenerate docs/screenshots/*.png: the app on the bundled demo, analysed, with coded events (offscreen Qt).

    .venv/bin/python scripts/screenshot.py [--out docs/screenshots] [--video V] [--size 1366x768] [--follow] [--frame N] [--name N.png]
        [--checkpoint C.pt]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import _shot


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=_shot.OUT)
    ap.add_argument("--video", type=Path, default=None, help="video to show (default: the bundled demo)")
    ap.add_argument("--size", default="1600x1000", help="window size WxH (default 1600x1000; 1366x768 checks a "
                    "small laptop screen)")
    ap.add_argument("--neutral", action="store_true",
                    help="calibrate the face on its calmest second and draw AUs relative to it (docs/screenshots/"
                         "neutral.png)")
    ap.add_argument("--follow", action="store_true", help="View > Follow face on (a small face in a wide shot)")
    ap.add_argument("--name", default="main-window.png", help="file name in --out (default main-window.png)")
    ap.add_argument("--frame", type=int, default=None, help="show this frame (default: the first proposal's apex)")
    ap.add_argument("--checkpoint", type=Path, default=None, help="model to analyse with (default: the starter)")
    args = ap.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        ap.error(f"--size {args.size}: expected WxH, e.g. 1366x768")

    app = _shot.app()
    from merstudio.gui import commands as C
    from merstudio.resources import demo_video

    video = args.video or demo_video()
    with tempfile.TemporaryDirectory() as tmp:
        win = _shot.make_window(tmp, (width, height))
        try:
            from merstudio.resources import starter_checkpoint

            ckpt = args.checkpoint or starter_checkpoint()
            opened = (win.ctx.execute(C.NewProject, path=str(Path(tmp) / "demo"))
                      and win.ctx.execute(C.OpenVideo, path=str(video), project="current"))
            if opened:
                _shot.wait_open(win)  # a slow open goes on in a worker: analysing now would be refused
            if not (opened and not win.errors
                    and (ckpt is None or win.ctx.execute(C.LoadCheckpoint, path=str(ckpt), confirmed=True))
                    and win.ctx.execute(C.RunAnalysis)):
                print("screenshot: " + "; ".join(win.errors), file=sys.stderr)
                return 1
            _shot.wait_analysis(win)
            if win.errors:
                print("screenshot: " + "; ".join(win.errors), file=sys.stderr)
                return 1
            props = [e for e in win.events if e.status == "proposal"]
            if props:  # review the first proposal: accept it as a coder would
                win.ctx.execute(C.SetProposalStatus, event_id=props[0].id, status="accepted", advance=False)
                win.ctx.execute(C.EditEvent, event_id=props[0].id, changes={"emotion": "positive", "aus": "6+12"})
                win.coding.select(props[0].id, seek=True)
                win.transport.seek(props[0].apex)
            if len(props) > 1:
                win.ctx.execute(C.SetProposalStatus, event_id=props[1].id, status="rejected", advance=False)
            if args.neutral:
                from merstudio.gui.neutral import SetNeutral

                if not win.ctx.execute(SetNeutral, mode="auto"):
                    print("screenshot: " + "; ".join(win.errors), file=sys.stderr)
                    return 1
            if args.follow:
                win.follow_action.trigger()
            if args.frame is not None:
                win.transport.seek(args.frame)
            _shot.pump(50)
            _shot.wait_frame(win)
            while win.playback.envelope_pending:  # the audio lane (a video with sound)
                app.processEvents()
            _shot.pump(20)
            win.timeline.refresh()
            app.processEvents()
            args.out.mkdir(parents=True, exist_ok=True)
            _shot.save(win, args.out / args.name)
        finally:
            from merstudio.gui.app import dispose

            dispose(win)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Regenerate docs/screenshots/agreement_dialog.png and timeline_by_coder.png (offscreen Qt): the GUI tests'
synthetic clip and streamed analysis (tests/gui/gui_fixtures.py), three coders' events imported from an ELAN file,
the model's proposals, View > Events by coder, and Coding > Agreement report.

    .venv/bin/python scripts/screenshot_agreement.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import _shot

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=_shot.OUT)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests" / "gui"))
    import cv2  # noqa: F401  (before Qt, as in the app)
    from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, write_video
    from PySide6.QtCore import QStandardPaths

    from merstudio.gui import commands as C
    from merstudio.interchange import Media, write_events
    from merstudio.project import Event

    QStandardPaths.setTestModeEnabled(True)
    _shot.app(["merstudio-screenshots"])
    tmp = Path(tempfile.mkdtemp())
    video = write_video(tmp / "clip.avi")
    win = _shot.make_window(tmp, (1300, 850), coder="alice",
                            make_analysis=lambda src, st: FakeAnalysis(src, st))
    try:
        win.ctx.execute(C.OpenVideo, path=str(video), project="current")
        _shot.wait_open(win)
        win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
        _shot.wait_analysis(win)
        v = win.video.id
        evs = [Event(v, 19, 24, 29, emotion="positive", aus="6+12", coder="alice"),
               Event(v, 54, 58, 63, emotion="negative", aus="4+7", coder="alice"),
               Event(v, 20, 24, 28, emotion="positive", aus="12", coder="bob"),
               Event(v, 55, 58, 62, emotion="disgust", aus="4+9", coder="bob"),
               Event(v, 72, 75, 80, emotion="surprise", aus="1+2", coder="bob"),
               Event(v, 18, 23, 30, emotion="positive", aus="6+12", coder="cy"),
               Event(v, 56, 59, 61, emotion="negative", aus="4", coder="cy")]
        eaf = write_events(evs, tmp / "coders.eaf", Media(str(video), fps=FPS, frame_count=N_FRAMES))
        if not win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True):
            raise SystemExit(win.errors[-1])
        win.set_coder_view(True)
        win.transport.seek(24)
        _shot.pump(20)
        args.out.mkdir(parents=True, exist_ok=True)
        _shot.save(win.timeline, args.out / "timeline_by_coder.png", announce=False)
        win.ctx.execute(C.ShowAgreement, coders=["alice", "bob", "cy", "model"], tolerance=3)
        dlg = win.agreement_dialog
        dlg.resize(1000, 640)
        _shot.pump(20)
        _shot.save(dlg, args.out / "agreement_dialog.png", announce=False)
    finally:
        from merstudio.gui.app import dispose

        dispose(win)
    print(f"wrote {args.out / 'timeline_by_coder.png'} and {args.out / 'agreement_dialog.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

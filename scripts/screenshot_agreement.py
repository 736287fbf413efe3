#!/usr/bin/env python
"""Regenerate docs/screenshots/agreement_dialog.png and timeline_by_coder.png (offscreen Qt): the GUI tests'
synthetic clip and streamed analysis (tests/gui/gui_fixtures.py), three coders' events imported from an ELAN file,
the model's proposals, View > Events by coder, and Coding > Agreement report.

    .venv/bin/python scripts/screenshot_agreement.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests" / "gui"))
    import cv2  # noqa: F401  (before Qt, as in the app)
    from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, write_video
    from PySide6.QtCore import QSettings, QStandardPaths

    from merstudio.gui import commands as C
    from merstudio.gui.app import make_app
    from merstudio.gui.main_window import MainWindow
    from merstudio.interchange import Media, write_events
    from merstudio.project import Event

    QStandardPaths.setTestModeEnabled(True)
    app = make_app(["merstudio-screenshots"])
    tmp = Path(tempfile.mkdtemp())
    video = write_video(tmp / "clip.avi")
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("coder", "alice")
    win = MainWindow(qsettings=settings, make_analysis=lambda src, st: FakeAnalysis(src, st))
    win.resize(1300, 850)
    win.show()
    try:
        win.ctx.execute(C.OpenVideo, path=str(video))
        win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
        while win.worker is not None:
            app.processEvents()
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
        for _ in range(20):
            app.processEvents()
        args.out.mkdir(parents=True, exist_ok=True)
        win.timeline.grab().save(str(args.out / "timeline_by_coder.png"))
        win.ctx.execute(C.ShowAgreement, coders=["alice", "bob", "cy", "model"], tolerance=3)
        dlg = win.agreement_dialog
        dlg.resize(1000, 640)
        for _ in range(20):
            app.processEvents()
        dlg.grab().save(str(args.out / "agreement_dialog.png"))
    finally:
        win.shutdown()
    print(f"wrote {args.out / 'timeline_by_coder.png'} and {args.out / 'agreement_dialog.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

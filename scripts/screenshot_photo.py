#!/usr/bin/env python
"""Screenshot of a photo in the app (offscreen Qt): the public-domain NASA astronaut portrait (scikit-image's
``astronaut``), analysed, its face labelled and its AUs as bars in the timeline's place (photo.png).

    .venv/bin/python scripts/screenshot_photo.py [--out docs/screenshots] [--size 1366x768]
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
    args = ap.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))

    _shot.app()
    import cv2
    from skimage import data

    from merstudio.gui import commands as C

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "astronaut.png"
        cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
        win = _shot.make_window(tmp, (width, height))
        try:
            opened = win.ctx.execute(C.OpenVideo, path=str(photo), project="current")
            _shot.wait_open(win)
            if not (opened and win.ctx.execute(C.RunAnalysis, confirmed=True)):
                print("screenshot: " + "; ".join(win.errors))
                return 1
            _shot.wait_analysis(win)
            _shot.wait_frame(win)
            _shot.pump(40)
            _shot.save(win, args.out / "photo.png")
        finally:
            from merstudio.gui.app import dispose

            dispose(win)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

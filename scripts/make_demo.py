#!/usr/bin/env python
"""Regenerate the bundled demo clip and its ground truth (resources/demo/): see resources/demo/README.md.

    .venv/bin/python scripts/make_demo.py [--out resources/demo] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from merstudio.errors import MerstudioError
from merstudio.synth.demo import N_FRAMES, build_demo


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="Build the synthetic demo interview clip and its truth files.")
    parser.add_argument("--out", type=Path, default=root / "resources" / "demo", help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="noise and head-drift seed (event timing is fixed)")
    args = parser.parse_args(argv)
    try:
        with tqdm(total=N_FRAMES, unit="frame", desc="demo") as bar:
            paths = build_demo(args.out, seed=args.seed, progress=lambda done, total: bar.update(done - bar.n))
    except MerstudioError as exc:
        print(f"make_demo: error: {exc}", file=sys.stderr)
        return exc.exit_code
    size_mb = paths.video.stat().st_size / 1e6
    print(f"wrote {paths.video} ({size_mb:.2f} MB), {paths.truth}, {paths.frames}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

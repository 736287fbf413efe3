"""`merstudio demo`: the README's first command ends here. Opens the app on the bundled demo clip; with
--headless (or where no display or GUI is available) analyses it with the starter model the app's demo loads and
scores spotting against its ground truth."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from merstudio.cli.bounds import output
from merstudio.cli.main import EpilogFormatter

EPILOG = """examples:
  merstudio demo                             # the app on the bundled interview clip
  merstudio demo --headless                  # analyse it in the terminal into ./merstudio-demo, scored
  merstudio demo --headless -o demo-out --overwrite   # into demo-out, replacing interview.* results there"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="open the app on the bundled demo clip (or analyse it with --headless)",
        description="Opens merstudio on the bundled synthetic interview clip (resources/demo). With --headless, "
        "runs `merstudio analyze` on it instead, with the bundled starter model as the app's demo loads it (its "
        "class columns p_<class>), prints where the CSV went, a summary, and the spotting score against the clip's "
        "ground truth.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("--headless", action="store_true", help="analyse in the terminal instead of opening the app")
    p.add_argument("-o", "--out", action=output(), default=Path("merstudio-demo"),
                   help="output folder for --headless (default ./merstudio-demo)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace interview.* results in --out that an earlier demo run did not write (a user's "
                   "own interview.mp4's; never those a batch's manifest.csv there names)")
    p.set_defaults(func=run, shows_app=shows_app)


def _gui_possible() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return True
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        import merstudio.gui.app  # noqa: F401
    except ImportError:
        return False
    return True


def shows_app(args: argparse.Namespace) -> bool:
    """The demo opens the app (not --headless, a display there): run unwatched, the app takes the stop signals."""
    return not args.headless and _gui_possible()


def run(args: argparse.Namespace) -> int:
    from merstudio.resources import demo_video

    video = demo_video()
    if shows_app(args):
        from merstudio.cli.gui import run_in_utf8_mode

        run_in_utf8_mode()  # under an 8-bit locale: file names as Qt's (UTF-8)
        from merstudio.gui.app import run_app

        return run_app([str(video)], demo=True)
    if not args.headless:
        print("merstudio: no display found, analysing the demo in the terminal instead (see --headless)")
    return headless(video, args.out, args.overwrite)


def _demo_wrote(meta: Path, video: Path) -> bool:
    """Whether the interview.* results beside `meta` are an earlier demo run's (the demo replaces its own): their
    input is the bundled clip `video` by content (`content_hash`; another install's copy too) or by path (a clip
    regenerated since). A user's own interview.mp4 is neither, whatever its name."""
    import json

    from merstudio.analysis.files import content_hash, same_input

    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(info, dict) or "merstudio" not in info:
        return False
    recorded = str(info.get("input_path") or info.get("input") or "")
    if recorded and Path(recorded).resolve() == video.resolve():
        return True
    try:
        # an earlier merstudio's identity rule (files.legacy_content_hash) still names the clip
        return same_input(info.get("input_hash"), video, content_hash(video))
    except OSError:
        return False


def _refuse_batch_name(out: Path, video: Path, name: str) -> None:
    """Refuse, --overwrite or not, a name a batch's manifest in `out` gives another input's results: the demo's
    files under it would be that input's 'done' results to every later batch run (which skips it)."""
    from merstudio.analysis import batch as B
    from merstudio.errors import InputError, OutputError

    if not (out / B.MANIFEST).is_file():
        return
    try:
        rows = B.Manifest.read(out).rows
    except InputError:  # not a batch's manifest: no batch owns the name
        return
    mine = B.Manifest.key(video)
    for key, row in rows.items():
        if row.output == name and key != mine:
            raise OutputError(f"{out / (name + '.csv')}: the batch of {out / B.MANIFEST} keeps the results of {key} "
                              "under this name; write the demo to another folder (-o)")


def headless(video: Path, out: Path, overwrite: bool = False) -> int:
    import pandas as pd

    from merstudio.analysis.files import output_paths, prepare_output_dir
    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.cli.analyze import _print_summary, _run_one, write_plot
    from merstudio.features.spotting import spotting_metric
    from merstudio.resources import demo_truth, starter_checkpoint

    paths = output_paths(out, "interview")
    _refuse_batch_name(out, video, "interview")
    ours = _demo_wrote(paths.meta, video)
    if not overwrite and not ours:
        from merstudio.errors import OutputError

        for taken in (paths.csv, paths.spots, paths.meta, out / "interview.png"):
            if taken.exists():
                raise OutputError(f"{taken}: already exists and no demo run wrote it (use --overwrite)")
    prepare_output_dir(out, [paths], overwrite=overwrite or ours)
    # the bundled starter model, as the app's demo loads it (gui.app.start_demo): the same class columns and
    # proposal labels in both, where without it the terminal's had none
    settings = AnalysisSettings(checkpoint=starter_checkpoint())
    result = _run_one(video, out, "interview", settings, None, True, 0)
    truth = pd.read_csv(demo_truth())
    write_plot(result, [(int(a), int(b), f"AU{c}") for a, b, c in zip(truth["onset"], truth["offset"],
                                                                     truth["aus"], strict=True)])
    _print_summary(result)
    score = spotting_metric([(s.onset, s.offset) for s in result.spots],
                            list(zip(truth["onset"], truth["offset"], strict=True)))
    print(f"  spotting vs. ground truth ({len(truth)} events, IoU >= 0.5): precision {score.precision:.2f}, "
          f"recall {score.recall:.2f}, F1 {score.f1:.2f}")
    return 0

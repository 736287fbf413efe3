"""Analysis: videos, frame folders and images in, OpenFace-style per-frame tables and spotted intervals out.

Entry points for Python (README, "Using merstudio from Python"):
    frame_table(path, settings=None, fps=None, progress=None, cancel=None)
                                                the per-frame table as a pandas DataFrame (analysis.table)
    Analysis(source, settings)                  one streaming run: rows(), columns(), then spots() (analysis.pipeline)
    AnalysisSettings                            what a run computes: flow, max_faces, landmarks, checkpoint, ...
    analyze_file(input, out_dir, name)          `merstudio analyze` for one input: <name>.csv, .spots.csv,
                                                .meta.json in out_dir (analysis.files)
    SpotRow                                     one spotted interval of Analysis.spots(): face_id, onset, apex,
                                                offset, score, times (analysis.pipeline)
    plan_batch, run_batch                       an archive, resumable, with a manifest (analysis.batch)

Loaded on first use: importing this package pulls in neither torch nor mediapipe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from merstudio.lazy import lazy_exports

if TYPE_CHECKING:
    from merstudio.analysis.batch import plan_batch, run_batch
    from merstudio.analysis.files import analyze_file
    from merstudio.analysis.pipeline import Analysis, AnalysisSettings, SpotRow
    from merstudio.analysis.table import frame_table

_LAZY = {  # submodule: the names it gives this package
    "batch": ("plan_batch", "run_batch"),
    "files": ("analyze_file",),
    "pipeline": ("Analysis", "AnalysisSettings", "SpotRow"),
    "table": ("frame_table",),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


__all__ = ["Analysis", "AnalysisSettings", "SpotRow", "analyze_file", "frame_table", "plan_batch", "run_batch"]

"""merstudio: micro-expression research studio (a Qt-free core; the GUI lives in merstudio.gui).

Entry points for Python (README, "Using merstudio from Python"; ``help()`` of each package says more):
    merstudio.io.open_source(path, fps=None)       a video, frame folder or image as a FrameSource (frame(i),
                                                   iter_frames(), timestamps; ``with``: closed after)
    merstudio.analysis.frame_table(path)           a video's per-frame table (AUs, micro-motion, spotting) as a
                                                   pandas DataFrame; Analysis(source) streams rows() and spots()
    merstudio.project.Project.open(path)           a project file (.merproj): videos, coded events, analyses
    merstudio.interchange.read_events(path, fps)   an ELAN / BORIS / events-CSV file as an ImportPreview;
                                                   write_events(events, path, Media(video, fps)) writes one
    merstudio.agreement.agreement_from_events(ev)  agreement between coders (kappa, alpha, ICC, event matching)
    merstudio.training.run_protocol(...)           LOSO / k-fold training on load_arrays("casme2:ROOT") data
    merstudio.model.load_checkpoint(path)          a trained model; FramePredictor(model, meta) predicts frame by
                                                   frame from aligned faces
    merstudio.errors.MerstudioError                what a bad input raises: a message fit to show as it is

The packages load on first use (``import merstudio`` alone imports none of torch, OpenCV, pandas or Qt).
"""

__version__ = "0.1.0"

import importlib as _importlib
import os as _os
from types import ModuleType as _ModuleType

# OpenCV's FFmpeg backend prints WARN lines for every unreadable file; merstudio reports those itself, in one line.
_os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

# The Qt-free packages `merstudio.<name>` reaches after a plain `import merstudio` (PEP 562), imported on first use:
# torch, OpenCV and pandas load in seconds. The GUI and the CLI are imported by name, never on the way.
_PACKAGES = frozenset({"agreement", "analysis", "datasets", "errors", "execution", "face", "features", "interchange",
                       "io", "model", "project", "synth", "training"})


def __getattr__(name: str) -> _ModuleType:
    if name in _PACKAGES:
        return _importlib.import_module(f"{__name__}.{name}")  # the import binds it here: later uses are lookups
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _PACKAGES)

"""`import merstudio` in a notebook: help(merstudio) names the entry points, and merstudio.analysis (the README's
`help(merstudio.analysis)`) is reachable without importing it by name, while the plain import stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

# what the README's "Using merstudio from Python" uses, by the attribute path a notebook would type
ENTRY_POINTS = ("io.open_source", "analysis.frame_table", "analysis.Analysis", "project.Project",
                "interchange.read_events", "interchange.write_events", "agreement.agreement_from_events",
                "training.run_protocol", "training.load_arrays", "model.load_checkpoint", "model.FramePredictor",
                "errors.MerstudioError")
HEAVY = ("torch", "cv2", "pandas", "mediapipe", "PySide6", "pyqtgraph", "matplotlib")


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return out.stdout.strip()


def test_the_docstring_names_each_entry_point() -> None:
    import merstudio

    doc = merstudio.__doc__ or ""
    assert [e for e in ENTRY_POINTS if e.split(".")[-1] not in doc] == []


@pytest.mark.parametrize("path", ENTRY_POINTS)
def test_each_entry_point_is_reached_from_a_plain_import(path: str) -> None:
    code = ("import merstudio\n"
            f"obj = merstudio\n"
            f"for part in {path.split('.')!r}: obj = getattr(obj, part)\n"
            "print(obj.__module__.split('.')[0], obj.__name__)")
    assert _run(code) == f"merstudio {path.split('.')[-1]}"


def test_a_plain_import_loads_no_heavy_library_and_dir_lists_the_packages() -> None:
    code = ("import sys\nimport merstudio\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}), "
            "sorted(m for m in sys.modules if m.startswith('merstudio.')), 'analysis' in dir(merstudio))")
    assert _run(code) == "[] [] True"


def test_other_names_are_still_missing() -> None:
    import merstudio

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        merstudio.nope  # noqa: B018
    assert not hasattr(merstudio, "gui") or "merstudio.gui" in sys.modules  # Qt only when asked for by name

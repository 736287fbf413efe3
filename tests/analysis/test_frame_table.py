"""frame_table: a video's per-frame rows as a DataFrame with the CSV's columns and dtypes fixed by the column; the
analysis and training packages name their entry points and stay light to import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.clips import write_clip

import merstudio.analysis
import merstudio.interchange
import merstudio.training
from merstudio.analysis.files import analyze_file
from merstudio.analysis.pipeline import Analysis, AnalysisSettings
from merstudio.analysis.table import frame_table, frame_table_dtypes, typed_frame
from merstudio.io import open_source


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=20, blank=range(0, 2))


def test_frame_table_is_the_csv_with_fixed_dtypes(clip: Path, tmp_path: Path) -> None:
    df = frame_table(clip)
    out = analyze_file(clip, tmp_path, "face")
    csv = pd.read_csv(out.paths.csv)
    assert list(df.columns) == list(csv.columns)
    assert len(df) == len(csv) == 20
    presence = [c for c in df if re.fullmatch(r"AU\d\d_c", c)]
    assert presence and all(df[c].dtype == "Int8" for c in presence)
    assert all(df[c].dtype == "int64" for c in ("frame", "face_id", "success", "blink"))
    assert all(df[c].dtype == "float64" for c in df if c not in presence
               and c not in ("frame", "face_id", "success", "blink"))
    for c in df:
        np.testing.assert_allclose(df[c].astype("float64").to_numpy(), csv[c].astype("float64").to_numpy(),
                                   rtol=0, atol=1e-9, equal_nan=True, err_msg=c)


def test_dtypes_do_not_depend_on_the_data() -> None:
    cols = ["frame", "face_id", "timestamp", "confidence", "success", "AU12_r", "AU12_c", "blink", "motion"]
    known = [{"frame": 0, "face_id": 0, "timestamp": 0.0, "confidence": 0.9, "success": 1, "AU12_r": 1.2,
              "AU12_c": 1, "blink": 0, "motion": 0.1}]
    unknown = [{**known[0], "AU12_r": float("nan"), "AU12_c": None}]
    a, b, empty = typed_frame(known, cols), typed_frame(unknown, cols), typed_frame([], cols)
    assert a.dtypes.to_dict() == b.dtypes.to_dict() == empty.dtypes.to_dict()
    assert a.dtypes.to_dict() == {c: np.dtype(t) if t != "Int8" else pd.Int8Dtype()
                                  for c, t in frame_table_dtypes(cols).items()}
    assert b["AU12_c"].isna().all() and a["AU12_c"].iloc[0] == 1


def test_frame_table_closes_what_it_opened(clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source_type = type(open_source(clip))
    closed: list[object] = []
    real = source_type.close
    monkeypatch.setattr(source_type, "close", lambda self: (closed.append(self), real(self))[1])
    frame_table(clip)
    assert len(closed) >= 1

    def boom(self: Analysis, *a: object, **kw: object):  # noqa: ANN202 - a generator that fails part-way
        yield {"frame": 0}
        raise KeyboardInterrupt

    closed.clear()
    monkeypatch.setattr(Analysis, "rows", boom)
    with pytest.raises(KeyboardInterrupt):
        frame_table(clip, AnalysisSettings(max_faces=1))
    assert len(closed) >= 1


def test_the_packages_name_their_entry_points() -> None:
    assert "frame_table" in (merstudio.analysis.__doc__ or "")
    assert "run_protocol" in (merstudio.training.__doc__ or "")
    assert merstudio.analysis.frame_table is frame_table
    for name in merstudio.analysis.__all__:
        assert getattr(merstudio.analysis, name) is not None
    for name in merstudio.training.__all__:
        assert getattr(merstudio.training, name) is not None
    assert (Analysis.rows.__doc__ or "").strip() and (Analysis.columns.__doc__ or "").strip()


def test_the_interchange_example_imports_real_names() -> None:
    doc = merstudio.interchange.__doc__ or ""
    lines = [ln.strip() for ln in doc.splitlines() if ln.strip().startswith("from merstudio")]
    assert lines
    for line in lines:
        exec(line, {})  # an ImportError names a function that does not exist


def test_importing_the_packages_stays_light() -> None:
    code = ("import sys, merstudio.analysis, merstudio.training; "
            "print(sorted(m for m in ('torch', 'mediapipe', 'cv2', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_readme_python_examples_import_real_names() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Using merstudio from Python"):]
    section = section[:section.index("\n## ", 4)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 4
    lines = [ln for b in blocks for ln in b.splitlines() if ln.startswith(("from merstudio", "import merstudio"))]
    assert any("frame_table" in ln for ln in lines) and any("run_protocol" in ln for ln in lines)
    for line in lines:
        exec(line, {})  # the names the examples use exist where they say


def test_chunks_are_sized_by_values_not_rows(clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide table (landmarks: ~1,000 columns) turns as few values into dicts at a time as a narrow one; the
    table is the same whatever the chunks."""
    from merstudio.analysis import table as T

    whole = T.frame_table(clip)
    sizes: list[int] = []
    real = T.typed_frame

    def spy(rows, columns):
        rows = list(rows)
        sizes.append(len(rows))
        return real(rows, columns)

    monkeypatch.setattr(T, "_CHUNK_CELLS", 3 * len(whole.columns))
    monkeypatch.setattr(T, "typed_frame", spy)
    chunked = T.frame_table(clip)
    assert max(sizes) == 3 and len(sizes) > 2
    pd.testing.assert_frame_equal(chunked, whole)

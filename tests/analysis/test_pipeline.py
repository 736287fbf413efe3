import csv

import numpy as np
import pytest
from support.clips import AU12_FRAMES, write_clip

from merstudio.analysis.files import analyze_file, output_paths, prepare_output_dir
from merstudio.analysis.pipeline import Analysis, AnalysisSettings
from merstudio.features.aus import AUS
from merstudio.io import open_source


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=60, blank=range(0, 3))


def test_one_row_per_frame_with_gap_rows(clip):
    with open_source(clip) as src:
        a = Analysis(src)
        rows = list(a.rows())
    assert [r["frame"] for r in rows] == list(range(60))
    assert all(r["success"] == 0 and r["face_id"] == -1 for r in rows[:3])
    assert all(r["success"] == 1 for r in rows[3:])
    assert len({r["face_id"] for r in rows[3:]}) == 1
    cols = a.columns()
    assert cols[:5] == ["frame", "face_id", "timestamp", "confidence", "success"]
    assert all(set(r) <= set(cols) for r in rows)
    assert rows[10]["timestamp"] == pytest.approx(10 / 30, abs=1e-3)


def test_smile_shows_in_au12_and_motion(clip):
    with open_source(clip) as src:
        a = Analysis(src)
        rows = list(a.rows())
    au12 = np.array([r["AU12_r"] for r in rows])
    inside = au12[list(AU12_FRAMES)]
    outside = np.r_[au12[5:AU12_FRAMES.start - 2], au12[AU12_FRAMES.stop + 3:]]
    assert inside.max() > 4 * max(outside.max(), 0.05)
    others = [r[f"AU{a:02d}_r"] for r in rows for a in AUS if a not in (12, 6, 14)]
    assert max(others) < inside.max()
    motion = a.motion(a.face_ids()[0])
    assert np.isnan(motion[:3]).all()
    assert np.nanargmax(motion) in AU12_FRAMES


def test_files_complete_and_cancelled(clip, tmp_path):
    prepare_output_dir(tmp_path, [output_paths(tmp_path, "a")], overwrite=False)
    done = analyze_file(clip, tmp_path, "a")
    assert done.complete and done.csv.name == "a.csv" and not output_paths(tmp_path, "a").partial.exists()
    with open(done.csv, newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 60

    seen = []
    cut = analyze_file(clip, tmp_path, "b", cancel=lambda: len(seen) >= 20,
                       progress=lambda d, n: seen.append(d))
    assert not cut.complete
    assert cut.csv.name == "b.partial.csv" and not (tmp_path / "b.csv").exists()
    with open(cut.csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["frame"]) for r in rows] == list(range(20))
    assert '"status": "partial"' in (tmp_path / "b.meta.json").read_text()


def test_interrupt_keeps_rows_written(clip, tmp_path):
    def boom(done, total):
        if done == 25:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        analyze_file(clip, tmp_path, "c", progress=boom)
    with open(tmp_path / "c.partial.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["frame"]) for r in rows] == list(range(25))
    assert '"status": "partial"' in (tmp_path / "c.meta.json").read_text()


def test_settings_landmarks_columns(clip):
    with open_source(clip) as src:
        a = Analysis(src, AnalysisSettings(landmarks=True))
        row = next(r for r in a.rows() if r["success"])
    assert "x_0" in row and "y_467" in row


def test_model_rows_stay_in_frame_order_with_gaps(clip):
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    if ckpt is None:
        pytest.skip("no starter checkpoint")
    with open_source(clip) as src:
        a = Analysis(src, AnalysisSettings(checkpoint=ckpt))
        rows = list(a.rows())
        # closing the stream early must not raise (no yield in a finally)
        gen = Analysis(src, AnalysisSettings(checkpoint=ckpt)).rows()
        next(gen)
        gen.close()
    assert [r["frame"] for r in rows] == list(range(60))
    probs = [c for c in a.columns() if c.startswith("p_")]
    assert probs and all(np.isclose(sum(r[c] for c in probs), 1.0, atol=1e-3) for r in rows[3:])
    assert all(c not in rows[0] for c in probs)  # no face, no prediction

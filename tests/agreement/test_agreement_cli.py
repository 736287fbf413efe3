"""`merstudio agreement`: the printed table, the CSVs, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from merstudio.cli.main import main


def test_prints_tables_and_writes_csvs(project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "agreement"
    assert main(["agreement", str(project.path), "--tolerance", "2", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Agreement of ann, bob, model on video(s) 1" in text
    lines = [ln.split() for ln in text.splitlines()]
    ann_bob = next(ln for ln in lines if ln[:2] == ["ann", "bob"])
    assert ann_bob[2:6] == ["1", "4", "1", "1"]  # videos, matched, only_a, only_b
    assert "wrote 6 files" in text
    pairs = pd.read_csv(out / "agreement_pairs.csv")
    assert len(pairs) == 3 and set(pairs.columns) >= {"kappa_emotion", "mean_abs_d_onset", "kappa_frames"}
    # a second report into the same folder would replace the first's tables: asked for, not done unasked
    assert main(["agreement", str(project.path), "-o", str(out)]) == 3
    assert "holds agreement tables already" in capsys.readouterr().err
    assert main(["agreement", str(project.path), "-o", str(out), "--overwrite"]) == 0


@pytest.mark.parametrize("flag", [["--one-based"], []])
def test_coders_video_and_openface_table(project, openface_csv: Path, capsys: pytest.CaptureFixture[str],
                                         flag: list[str]) -> None:
    rc = main(["agreement", str(project.path), "--video", "1", "--coders", "ann,bob", "--frames",
               f"openface={openface_csv}", *flag])
    out = capsys.readouterr()
    text = out.out
    assert rc == 0
    assert "Agreement of ann, bob on video(s) 1" in text
    assert "ICC of AU intensities" in text
    row = next(ln.split() for ln in text.splitlines() if ln.split()[:4] == ["frames", "1", "analysis", "openface"])
    assert row[4] == "AU04" and row[5] == "120"  # AU, frames paired (1-based frames shifted onto ours)
    # without the flag the numbering is detected (OpenFace: frame 1 at 0 s); the user is told how it was read
    assert "numbered from 1" in text and ("frame 1 at 0 s" in text) is not bool(flag)


def icc_of(text: str, au: str) -> float:
    row = next(ln.split() for ln in text.splitlines() if ln.split()[:5] == ["frames", "1", "analysis", "ours", au])
    return float(row[6])


def test_a_zero_based_table_is_not_shifted(project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """merstudio's own per-frame CSV (frames from 0) against the same analysis: ICC 1, every frame paired. Read as
    OpenFace's numbering it would pair each frame with the next one."""
    path = tmp_path / "ours.csv"
    project.load_frames(1).to_csv(path, index=False)
    assert main(["agreement", str(project.path), "--video", "1", "--frames", f"ours={path}"]) == 0
    out = capsys.readouterr()
    assert "numbered from 0" in out.out
    assert icc_of(out.out, "AU04") == pytest.approx(1.0, abs=1e-3)
    assert main(["agreement", str(project.path), "--video", "1", "--frames", f"ours={path}", "--zero-based"]) == 0
    assert icc_of(capsys.readouterr().out, "AU04") == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(("args", "message"), [
    (["missing.merproj"], "no such project file"),
    (["a-folder"], "a folder, not a project file"),
    (["{p}", "--video", "2"], "b.avi (video 2) has events by fewer than two coders (ann)"),
    (["{p}", "--coders", "ann,zed"], "no events by coder 'zed'"),
    (["{p}", "--coders", "ann"], "name at least two different coders"),
    (["{p}", "--coders", "ann, ann"], "name at least two different coders"),
    (["{p}", "--frames-coder", "bob"], "'bob' already codes events here"),
    (["{p}", "--video", "9"], "no video '9' (videos: 1=a.avi, 2=b.avi)"),
    (["{p}", "--frames", "x.csv"], "expected NAME=CSV"),
    (["{p}", "--frames", "of={csv}"], "--frames needs exactly one --video"),
    (["{p}", "--video", "1", "--frames", "of={csv}"], "negative frame -1"),
    (["{p}", "--video", "9", "--frames", "of={csv}"], "no video '9' (videos: 1=a.avi, 2=b.avi)"),
])
def test_errors_are_one_line(project, openface_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             args: list[str], message: str) -> None:
    args = [a.format(p=project.path, csv=openface_csv) for a in args]
    if args[0] == "missing.merproj":
        args[0] = str(tmp_path / "missing.merproj")
    if args[0] == "a-folder":
        args[0] = str(tmp_path)
    if message == "negative frame -1":  # a 0-based reading of a file whose frames start below 0
        df = pd.read_csv(openface_csv, skipinitialspace=True)
        df["frame"] -= 2
        df.to_csv(openface_csv, index=False)
    assert main(["agreement", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("merstudio: error: ") and "\n" not in err
    assert message in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["agreement", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--video", "--coders", "--tolerance", "--iou", "--frames", "--all-coded", "-o"):
        assert flag in out


def test_a_py_feat_table_is_compared_on_presence(project, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """py-feat's AUs are probabilities: no ICC against our intensities, Cohen's kappa on presence (p >= 0.5)."""
    from agreement_data import frame_rows
    from support.pyfeat_files import pyfeat_csv

    rows = frame_rows()
    path = pyfeat_csv(tmp_path / "feat.csv", [(r["frame"], 0, 90.0) for r in rows])
    df = pd.read_csv(path)
    for a in (4, 12):  # present in py-feat's sense (p >= 0.5) exactly where ours is (intensity > 3.5)
        df[f"AU{a:02d}"] = [0.6 if r[f"AU{a:02d}_c"] else 0.4 for r in rows]
    df.to_csv(path, index=False)
    assert main(["agreement", str(project.path), "--video", "1", "--frames", f"feat={path}"]) == 0
    text = capsys.readouterr().out
    row = next(ln.split() for ln in text.splitlines() if ln.split()[:5] == ["frames", "1", "analysis", "feat", "AU12"])
    assert row[5] == str(len(rows)) and row[6] == "-" and float(row[-1]) == pytest.approx(1.0)  # no ICC: "-"


def test_a_video_is_named_as_everywhere_else(project, capsys: pytest.CaptureFixture[str]) -> None:
    # --video takes a file name (or path end) as convert and project do; the id still works
    assert main(["agreement", str(project.path), "--video", "a.avi", "--coders", "ann,bob"]) == 0
    by_name = capsys.readouterr().out
    assert "Agreement of ann, bob on video(s) 1" in by_name
    assert main(["agreement", str(project.path), "--video", "1", "--coders", "ann,bob"]) == 0
    assert capsys.readouterr().out == by_name

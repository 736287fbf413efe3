import os
import subprocess
import sys

import pandas as pd
import pytest
from support.clips import write_clip

from merstudio.cli.main import main


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=40)


def _one_line_error(capsys, code, *words):
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and err[0].startswith("merstudio: error:"), err
    assert "Traceback" not in err[0]
    for w in words:
        assert w in err[0]


def test_analyze_writes_csv_spots_and_summary(clip, tmp_path, capsys):
    code = main(["analyze", str(clip), "-o", str(tmp_path / "out"), "-q"])
    out = capsys.readouterr().out
    assert code == 0
    assert "face.csv" in out and "frames/s" in out
    df = pd.read_csv(tmp_path / "out" / "face.csv")
    assert len(df) == 40 and df["success"].all()
    assert {"AU01_r", "AU12_r", "AU17_c"} <= set(df.columns)
    assert (tmp_path / "out" / "face.spots.csv").exists()


def test_existing_output_refused_without_overwrite(clip, tmp_path, capsys):
    assert main(["analyze", str(clip), "-o", str(tmp_path), "-q"]) == 0
    before = (tmp_path / "face.csv").read_bytes()
    capsys.readouterr()
    code = main(["analyze", str(clip), "-o", str(tmp_path), "-q"])
    _one_line_error(capsys, code, "face.csv", "--overwrite")
    assert (tmp_path / "face.csv").read_bytes() == before
    assert main(["analyze", str(clip), "-o", str(tmp_path), "-q", "--overwrite"]) == 0


def test_missing_file(tmp_path, capsys):
    code = main(["analyze", str(tmp_path / "nope.mp4"), "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "nope.mp4")


def test_truncated_video(clip, tmp_path, capsys):
    bad = tmp_path / "cut.avi"
    bad.write_bytes(clip.read_bytes()[:3000])
    code = main(["analyze", str(bad), "-o", str(tmp_path / "o"), "-q"])
    _one_line_error(capsys, code, "cut.avi")


def test_not_a_video_and_zero_frames(tmp_path, capsys):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    _one_line_error(capsys, main(["analyze", str(junk), "-o", str(tmp_path / "o")]), "junk.mp4")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    _one_line_error(capsys, main(["analyze", str(empty), "-o", str(tmp_path / "o")]), "empty.mp4")


def test_folder_without_images(tmp_path, capsys):
    (tmp_path / "clipdir").mkdir()
    (tmp_path / "clipdir" / "notes.txt").write_text("x")
    code = main(["analyze", str(tmp_path / "clipdir"), "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "clipdir")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_nonroot(clip, tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    _one_line_error(capsys, main(["analyze", str(clip), "-o", str(ro / "x")]), "ro")


def test_unwritable_output(clip, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should be")
    code = main(["analyze", str(clip), "-o", str(blocker / "out")])
    _one_line_error(capsys, code, "out")


def test_two_inputs_two_jobs_and_frame_folder(clip, tmp_path, capsys):
    import cv2

    frames = tmp_path / "sub01" / "EP01"
    frames.mkdir(parents=True)
    cap = cv2.VideoCapture(str(clip))
    for k in range(1, 13):
        ok, img = cap.read()
        cv2.imwrite(str(frames / f"img{k}.jpg"), img)
    cap.release()
    code = main(["analyze", str(clip), str(frames), "-o", str(tmp_path / "o"), "-j", "2", "-q"])
    assert code == 0, capsys.readouterr().err
    assert len(pd.read_csv(tmp_path / "o" / "face.csv")) == 40
    assert len(pd.read_csv(tmp_path / "o" / "EP01.csv")) == 12


def test_real_process_exit_code_and_no_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "merstudio", "analyze", str(tmp_path / "missing.avi"),
                        "-o", str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "missing.avi" in r.stderr


def test_help_everywhere():
    for cmd in (["--help"], ["analyze", "--help"], ["bench", "--help"], ["demo", "--help"]):
        with pytest.raises(SystemExit) as e:
            main(cmd)
        assert e.value.code == 0

import os
import subprocess
import sys

import pandas as pd
import pytest
from support.clips import write_clip, write_frame_images

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
    assert not (tmp_path / "o").exists()  # nothing was written: no empty output folder is left behind
    (tmp_path / "mine").mkdir()  # a folder the user made stays
    _one_line_error(capsys, main(["analyze", str(empty), "-o", str(tmp_path / "mine")]), "empty.mp4")
    assert (tmp_path / "mine").is_dir()


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
    frames = tmp_path / "sub01" / "EP01"
    write_frame_images(clip, frames, "img{}.jpg", start=1, limit=12)
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


def test_video_whose_container_miscounts_is_analysed_frame_by_frame(clip, tmp_path, capsys):
    """An MP4 whose edit list makes the container claim more frames than decode (what phone and trimming tools
    write) is analysed in full: one row per decodable frame, both counts in the meta file, one warning line."""
    import json

    from support.miscounted import claimed_and_decoded, copy_cut, ffmpeg_or_skip, transcode

    ffmpeg = ffmpeg_or_skip()
    trimmed = copy_cut(ffmpeg, transcode(ffmpeg, clip, tmp_path / "full.mp4",
                                         ["-c:v", "libx264", "-g", "10", "-bf", "2", "-pix_fmt", "yuv420p"]),
                       tmp_path / "trimmed.mp4", 0.55)
    claimed, found = claimed_and_decoded(trimmed)
    assert found > 0 and claimed > found, "the test file is not miscounted"
    code = main(["analyze", str(trimmed), "-o", str(tmp_path / "out"), "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    df = pd.read_csv(tmp_path / "out" / "trimmed.csv")
    assert sorted(df["frame"].unique()) == list(range(found))
    meta = json.loads((tmp_path / "out" / "trimmed.meta.json").read_text())
    assert (meta["frames_found"], meta["frames_claimed"], meta["frames_processed"]) == (found, claimed, found)
    assert len(meta["warnings"]) == 1 and f"says {claimed} frames, {found} can be decoded" in meta["warnings"][0]
    lines = [ln for ln in out.splitlines() if "warning" in ln]
    assert len(lines) == 1 and f"{claimed} frames, {found} can be decoded" in lines[0]
    assert "SourceWarning" not in err and "warnings.warn" not in err


def test_output_names_never_collide(clip, tmp_path, capsys):
    """x.avi and x.jpg in one run get x.avi.csv and x.jpg.csv; in separate runs into one folder, the second keeps
    the first's results (its meta file names another input) and takes the whole file name."""
    import json

    import cv2

    d = tmp_path / "in"
    d.mkdir()
    video = d / "x.avi"
    video.write_bytes(clip.read_bytes())
    cap = cv2.VideoCapture(str(clip))
    ok, img = cap.read()
    cap.release()
    assert ok
    photo = d / "x.jpg"
    cv2.imwrite(str(photo), img)
    assert main(["analyze", str(video), str(photo), "-o", str(tmp_path / "both"), "-q"]) == 0
    assert len(pd.read_csv(tmp_path / "both" / "x.avi.csv")) == 40
    assert len(pd.read_csv(tmp_path / "both" / "x.jpg.csv")) == 1
    assert not (tmp_path / "both" / "x.csv").exists()

    assert main(["analyze", str(video), "-o", str(tmp_path / "runs"), "-q"]) == 0
    first = (tmp_path / "runs" / "x.csv").read_bytes()
    assert main(["analyze", str(photo), "-o", str(tmp_path / "runs"), "-q"]) == 0
    assert (tmp_path / "runs" / "x.csv").read_bytes() == first
    assert len(pd.read_csv(tmp_path / "runs" / "x.jpg.csv")) == 1
    assert json.loads((tmp_path / "runs" / "x.jpg.meta.json").read_text())["input"] == str(photo)
    capsys.readouterr()
    # the same input again still needs --overwrite (its own earlier results are not another input's)
    code = main(["analyze", str(video), "-o", str(tmp_path / "runs"), "-q"])
    _one_line_error(capsys, code, "x.csv", "--overwrite")


def test_folder_of_photos_of_different_sizes_is_a_set_of_photos(clip, tmp_path, capsys):
    """Photos of different sizes in one folder are separate stills: one result (and one bar-chart plot) each."""
    import cv2

    photos = tmp_path / "photos"
    photos.mkdir()
    cap = cv2.VideoCapture(str(clip))
    frames = [cap.read()[1] for _ in range(34)]
    cap.release()
    cv2.imwrite(str(photos / "neutral.jpg"), frames[0])
    cv2.imwrite(str(photos / "smile.png"), cv2.resize(frames[33], (400, 300)))
    code = main(["analyze", str(photos), "-o", str(tmp_path / "out"), "-q", "--plot"])
    out, err = capsys.readouterr()
    assert code == 0, err
    for name in ("neutral", "smile"):
        df = pd.read_csv(tmp_path / "out" / f"{name}.csv")
        assert list(df["frame"]) == [0] and df["success"].all()
        assert (tmp_path / "out" / f"{name}.png").stat().st_size > 0
    assert not (tmp_path / "out" / "photos.csv").exists()


def test_a_group_photo_gets_a_face_map_beside_its_charts(tmp_path, capsys):
    """Several faces in one photo: one bar chart per face and <name>_faces.png, the photo with each face's box,
    id and present AUs, to tell the charts apart (drawn where the faces are: checked on the image)."""
    import cv2
    import numpy as np
    from support.clips import _face

    face = cv2.resize(_face()[0][20:220, 60:260], (280, 280), interpolation=cv2.INTER_AREA)
    group = np.full((600, 900, 3), 90, np.uint8)
    for k in range(3):
        group[160:440, 10 + 300 * k:290 + 300 * k] = face
    photo = tmp_path / "group.png"
    cv2.imwrite(str(photo), cv2.cvtColor(group, cv2.COLOR_RGB2BGR))
    code = main(["analyze", str(photo), "-o", str(tmp_path / "out"), "--plot"])
    out, err = capsys.readouterr()
    assert code == 0, err
    face_map = tmp_path / "out" / "group_faces.png"
    assert f"face map      : {face_map}" in out
    assert "spotting      : none in a photo" in out and (tmp_path / "out" / "group.spots.csv").is_file()
    assert all((tmp_path / "out" / f"group_face{k}.png").is_file() for k in range(3))
    img = cv2.imread(str(face_map))[:, :, ::-1].astype(int)
    # each face's box and label plate in its own colour (matplotlib's tab10: blue, orange, green for faces 0-2)
    for rgb in ((31, 119, 180), (255, 127, 14), (44, 160, 44)):
        assert int((np.abs(img - np.array(rgb)).sum(axis=2) < 40).sum()) > 300, rgb


def test_an_upside_down_photo_is_turned_and_said_so_unless_rotate_says_otherwise(tmp_path, capsys):
    import json

    import cv2
    from support.occluders import astronaut_face

    from merstudio.face.orientation import turn

    photo = tmp_path / "upside.png"
    cv2.imwrite(str(photo), cv2.cvtColor(turn(astronaut_face(), 180), cv2.COLOR_RGB2BGR))
    assert main(["analyze", str(photo), "-o", str(tmp_path / "auto"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "warning       : the faces are upright only with the frames turned 180° clockwise" in out
    rows = pd.read_csv(tmp_path / "auto" / "upside.csv")
    assert rows["success"].iloc[0] == 1 and rows["AU12_r"].iloc[0] > 2  # the portrait's smile
    meta = json.loads((tmp_path / "auto" / "upside.meta.json").read_text())
    assert meta["settings"]["turn"] is None and "turned 180°" in meta["warnings"][0]
    assert main(["analyze", str(photo), "-o", str(tmp_path / "as_is"), "--rotate", "0", "-q"]) == 0
    assert "frames turned" not in capsys.readouterr().out  # (as is, the upside-down face is not found)
    assert json.loads((tmp_path / "as_is" / "upside.meta.json").read_text())["settings"]["turn"] == 0
    with pytest.raises(SystemExit):
        main(["analyze", str(photo), "-o", str(tmp_path / "bad"), "--rotate", "45"])


def test_an_input_without_a_face_says_so_and_why_faces_are_missed(tmp_path, capsys):
    import cv2
    import numpy as np

    photo = tmp_path / "wall.png"
    cv2.imwrite(str(photo), np.full((240, 320, 3), 128, np.uint8))
    assert main(["analyze", str(photo), "-o", str(tmp_path / "out"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "0 face track(s): none" in out and "no face found : faces turned far from the camera" in out


def test_cover_checks_can_be_switched_off(tmp_path, capsys):
    """A face behind painted dark glasses reads its eyes NaN by default; with --no-cover-checks the eyes read as
    the mesh fits them (a coder who disagrees with a check keeps every number)."""
    import cv2
    import numpy as np
    from support.occluders import astronaut_face, paint_sunglasses

    from merstudio.face.detector import FaceMeshDetector

    face = astronaut_face()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        lm = det.detect(face)[0].landmarks
    photo = tmp_path / "glasses.png"
    cv2.imwrite(str(photo), cv2.cvtColor(paint_sunglasses(face, lm), cv2.COLOR_RGB2BGR))
    rows = {}
    for name, extra in (("checked", []), ("unchecked", ["--no-cover-checks"])):
        assert main(["analyze", str(photo), "-o", str(tmp_path / name), "-q", *extra]) == 0
        rows[name] = pd.read_csv(tmp_path / name / "glasses.csv").iloc[0]
    assert np.isnan(rows["checked"]["AU45_r"]) and rows["checked"]["confidence"] < 0.8
    assert np.isfinite(rows["unchecked"]["AU45_r"]) and rows["unchecked"]["confidence"] == 1.0
    assert _settings_of(tmp_path / "unchecked" / "glasses.meta.json")["occlusion"] is False


def _settings_of(meta):
    import json

    return json.loads(meta.read_text())["settings"]


def test_a_video_of_several_people_gets_a_face_sheet(tmp_path, capsys):
    """Several face tracks in a video: <name>_faces.png shows each track's face (where it was largest) with its
    frames, in the face map's colours, to tell the per-face charts apart."""
    import cv2
    import numpy as np
    from support.clips import _face

    face = cv2.resize(_face()[0][20:220, 60:260], (200, 200), interpolation=cv2.INTER_AREA)
    clip = tmp_path / "panel"
    clip.mkdir()
    for i in range(4):
        frame = np.full((320, 560, 3), 90, np.uint8)
        frame[60:260, 20:220] = face
        small = cv2.resize(face, (150 + 10 * i, 150 + 10 * i), interpolation=cv2.INTER_AREA)  # nearer each frame
        frame[60:60 + small.shape[0], 300:300 + small.shape[1]] = small
        cv2.imwrite(str(clip / f"img{i}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    code = main(["analyze", str(clip), "-o", str(tmp_path / "out"), "--plot"])
    out, err = capsys.readouterr()
    assert code == 0, err
    sheet = tmp_path / "out" / "panel_faces.png"
    assert f"face map      : {sheet}" in out and "2 face track(s): 0 (4 frames), 1 (4 frames)" in out
    img = cv2.imread(str(sheet))[:, :, ::-1].astype(int)
    for rgb in ((31, 119, 180), (255, 127, 14)):  # each track's name plate in its colour (tab10)
        assert int((np.abs(img - np.array(rgb)).sum(axis=2) < 40).sum()) > 100, rgb
    assert int((img.sum(axis=2) < 600).sum()) > 2 * 150 * 150  # two face crops drawn, not two empty panels
    from merstudio.analysis.files import analyze_file

    portraits = analyze_file(clip, tmp_path / "again", "panel").portraits
    right = max(portraits, key=lambda fid: portraits[fid][1][0])
    assert portraits[right][0] == 3  # the face that comes nearer is shown where it is largest


def test_with_a_model_the_summary_says_how_many_frames_it_judged(clip, tmp_path, capsys):
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    assert ckpt is not None, "resources/models/starter.pt (committed) is missing"
    assert main(["analyze", str(clip), "-o", str(tmp_path), "-q", "--checkpoint", str(ckpt)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("model"))
    df = pd.read_csv(tmp_path / "face.csv")
    judged = int(df["p_none"].notna().sum())  # a frame under the motion gate is NaN: not asked
    assert f"judged {judged} of 40 face frames" in line and "motion gate" in line
    assert judged < 40  # the clip's still frames stay under the gate
    # --no-model-gate: the model judges every face frame with a frame 0.2 s before it, all but the first 6 (h320)
    assert main(["analyze", str(clip), "-o", str(tmp_path / "all"), "-q", "--checkpoint", str(ckpt),
                 "--no-model-gate"]) == 0
    assert "judged 34 of 40 face frames" in capsys.readouterr().out
    assert pd.read_csv(tmp_path / "all" / "face.csv")["p_none"].notna().tolist() == [False] * 6 + [True] * 34


def test_the_summary_says_why_the_model_named_no_class(tmp_path, capsys):
    from merstudio.analysis.files import AnalysisOutput, SpotRow, output_paths
    from merstudio.analysis.proposals import describe_interval
    from merstudio.cli.analyze import _print_summary

    rows = pd.DataFrame({"frame": range(5), "face_id": 0, "success": 1, "p_negative": .06, "p_positive": .02,
                         "p_none": .92})
    r = AnalysisOutput(tmp_path / "x.mp4", output_paths(tmp_path, "x"), 5, 5, 30.0, True, 1.0, [0],
                       [SpotRow(0, 0, 2, 4, 1.0, 0.0, 0.07, 0.13)], [describe_interval(rows)])
    _print_summary(r)
    assert "?, (model uncertain" not in (out := capsys.readouterr().out)
    assert "? (model uncertain: negative p=0.06 <= none p=0.92)" in out


def test_a_device_not_offered_is_one_line_before_any_work(clip, tmp_path, capsys):
    from merstudio.resources import starter_checkpoint

    code = main(["analyze", str(clip), "-o", str(tmp_path / "o"), "-q", "--checkpoint", str(starter_checkpoint()),
                 "--device", "mps"])
    _one_line_error(capsys, code, "mps", "cpu, cuda or cuda:N")
    assert not (tmp_path / "o").exists()

"""`merstudio analyze FOLDER` where FOLDER holds images and videos: every one is analysed (a batch of its clip and
each video, as when its parent folder is given), and one line says so; `analyze --help` names the video formats
it finds; `--plot` of an up-to-date result with several faces says why its face sheet is not drawn again."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.clips import write_clip

from merstudio.cli.main import main
from merstudio.io import VIDEO_EXTENSIONS


def test_a_folder_of_a_photo_and_videos_analyses_them_all(tmp_path: Path, capsys):
    p01 = tmp_path / "P01"
    p01.mkdir()
    write_clip(p01 / "interview.avi", n=6)
    write_clip(p01 / "interview2.avi", n=6)
    cv2.imwrite(str(p01 / "room_photo.png"), np.full((48, 64, 3), 100, np.uint8))
    out = tmp_path / "out"
    assert main(["analyze", str(p01), "-o", str(out), "-q"]) == 0
    err = capsys.readouterr().err
    assert {p.name for p in out.glob("*.meta.json")} == {"P01.meta.json", "interview.meta.json",
                                                         "interview2.meta.json"}
    assert (out / "manifest.csv").is_file() and (out / "interview2.csv").is_file()
    said = [line for line in err.splitlines() if "holds images and 2 video(s)" in line]
    assert len(said) == 1 and "its image as a clip of one frame" in said[0] and "each video" in said[0], err


def test_help_names_every_video_format(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert all(ext[1:] in text for ext in VIDEO_EXTENSIONS)
    assert "webm" in text and "3gp" in text and "wmv" in text and "mts" in text


def test_replot_of_several_faces_draws_the_face_sheet_again(tmp_path: Path, capsys, monkeypatch):
    """The faces' boxes travel in the meta, so an up-to-date --plot draws the face sheet again; a meta written
    before they did (none there) gets one line saying why it is not."""
    import json

    from support.clips import _face

    face = cv2.resize(_face()[0][20:220, 60:260], (200, 200), interpolation=cv2.INTER_AREA)
    clip = tmp_path / "panel"
    clip.mkdir()
    for i in range(4):  # two faces side by side (as tests/cli/test_analyze.py's face sheet test)
        frame = np.full((320, 560, 3), 90, np.uint8)
        frame[60:260, 20:220] = face
        small = cv2.resize(face, (150 + 10 * i, 150 + 10 * i), interpolation=cv2.INTER_AREA)
        frame[60:60 + small.shape[0], 300:300 + small.shape[1]] = small
        cv2.imwrite(str(clip / f"img{i}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot"]) == 0
    sheet = out / "panel_faces.png"
    assert sheet.is_file() and (out / "panel_face1.png").is_file()
    first = sheet.read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("analysed again")

    monkeypatch.setattr("merstudio.analysis.batch.analyze_file", refuse)
    capsys.readouterr()
    sheet.unlink()
    (out / "panel_face1.png").unlink()
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot"]) == 0
    err = capsys.readouterr().err
    assert (out / "panel_face1.png").is_file() and sheet.read_bytes() == first  # was: not drawn again
    assert "not drawn again" not in err, err
    meta_path = out / "panel.meta.json"  # a meta of an older merstudio: no boxes in it
    meta = json.loads(meta_path.read_text())
    assert meta.pop("portraits") and meta.pop("turned", 0) == 0
    meta_path.write_text(json.dumps(meta))
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot"]) == 0
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "panel_faces.png" in line]
    assert len(said) == 1 and "not drawn again" in said[0] and "kept as the analysis drew it" in said[0], err
    sheet.unlink()
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot"]) == 0
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "panel_faces.png" in line]
    assert len(said) == 1 and "--overwrite analyses again to draw it" in said[0] and not sheet.exists(), err


def test_the_line_for_a_frame_folder_with_videos(tmp_path: Path):
    from merstudio.cli.analyze import _mixed_text

    clip = tmp_path / "EP01"
    clip.mkdir()
    for k in range(3):
        cv2.imwrite(str(clip / f"img{k}.jpg"), np.full((24, 32, 3), 100, np.uint8))
    line = _mixed_text(clip, [clip], [clip / "a.mp4"])
    assert line.startswith(f"{clip}: holds images and 1 video(s) (a.mp4)") and "its 3 images as one clip" in line
    photos = [clip / "img0.jpg", clip / "img1.jpg"]
    assert "its 2 photos of different sizes (each on its own)" in _mixed_text(clip, photos, [clip / "a.mp4"])


@pytest.mark.parametrize("entry", [
    {"portraits": ["not", "a", "dict"]},
    {"portraits": {"0": [1e999, [1, 2, 3, 4]]}},
    {"portraits": {"0": [99999, [1, 2, 3, 4]]}},  # a frame past the end
    {"portraits": {"0": [0, [1, 2, float("nan"), 4]]}},
    {"turned": 1e999},
    {"turned": 45},
])
def test_a_hand_edited_face_entry_in_the_meta_drops_the_sheet_not_the_plots(tmp_path: Path, capsys, entry):
    import json

    from merstudio.analysis.files import stored_result

    clip = tmp_path / "clip"
    clip.mkdir()
    from support.clips import _face

    for i in range(3):
        cv2.imwrite(str(clip / f"img{i}.png"), cv2.cvtColor(_face()[0], cv2.COLOR_RGB2BGR))
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "-o", str(out), "-q"]) == 0
    meta_path = out / "clip.meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update(entry)
    meta_path.write_text(json.dumps(meta))
    r = stored_result(out, "clip")  # was: AttributeError / OverflowError, or a bad box reaching the sheet
    assert r.portraits == {} and r.boxes == [] and r.turned == 0
    capsys.readouterr()
    assert main(["analyze", str(clip), "-o", str(out), "-q", "--plot"]) == 0
    assert (out / "clip.png").is_file() and "Traceback" not in capsys.readouterr().err

"""`merstudio.io.folder_fps`: the one rule for `--fps` (frame folders, images and videos without frame timestamps; a
timed video keeps its timing)."""

from pathlib import Path

from merstudio.io import DEFAULT_FOLDER_FPS, folder_fps


def test_fps_applies_to_frame_folders_and_images_only(tmp_path: Path):
    frames = tmp_path / "frames"
    frames.mkdir()
    casme = tmp_path / "CASME2" / "sub01"
    casme.mkdir(parents=True)
    assert folder_fps(tmp_path / "clip.mp4", 200) is None and folder_fps(tmp_path / "clip.mp4", None) is None
    assert folder_fps(frames, 200) == 200 and folder_fps(frames, None) == DEFAULT_FOLDER_FPS
    assert folder_fps(casme, None) == 200  # a known dataset's rate from its folder names
    assert folder_fps(tmp_path / "x.JPG", 90) == 90 and folder_fps(tmp_path / "x.png", None) == DEFAULT_FOLDER_FPS

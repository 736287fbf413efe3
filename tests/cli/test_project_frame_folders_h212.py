"""`merstudio project` and frame-folder clips (h212, audit a96 findings 1 and 2): `new` with two SMIC clips of .bmp
frames and one length adds two videos (it said the second was "already in the project (the same content as ...)");
`show --check` says a clip is there or missing as the app does (Project.locate_video): a stray Thumbs.db changes
nothing, other frames in the folder are flagged (it only asked whether the folder existed); plain `show` counts the
frame images (h218)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.cli_run import run

from merstudio.project import Project


def bmp_clip(folder: Path, seed: int, frames: int = 6) -> Path:
    """SMIC's layout and naming (.../micro/<emotion>/<clip>/image<6 digits>.bmp): every frame file one size."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for i in range(frames):
        cv2.imwrite(str(folder / f"image{i + 1:06d}.bmp"), rng.integers(0, 255, (48, 64, 3), np.uint8))
    return folder


@pytest.fixture
def smic(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = tmp_path / "SMIC_all_cropped" / "HS" / "s1" / "micro"
    a = bmp_clip(root / "negative" / "s1_ne_01", 1)
    b = bmp_clip(root / "positive" / "s1_po_01", 2)
    return tmp_path / "smic.merproj", a, b


def test_new_adds_two_bmp_clips_of_one_length(smic: tuple[Path, Path, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    proj, a, b = smic
    code, out, err = run(capsys, "project", "new", proj, a, b, "--fps", "100")
    assert code == 0, err
    assert "already in the project" not in out, out
    assert [ln.split(":")[0] for ln in out.splitlines() if ln.endswith("added")] == ["video 1", "video 2"], out
    with Project.open(proj, read_only=True) as p:
        assert [v.path for v in p.videos()] == [str(a.resolve()), str(b.resolve())]


def test_show_says_what_the_app_says(smic: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    proj, a, b = smic
    assert run(capsys, "project", "new", proj, a, b, "--fps", "100")[0] == 0
    (a / "Thumbs.db").write_bytes(b"x")  # a stray file: still the clip
    (b / "image000003.bmp").write_bytes((a / "image000003.bmp").read_bytes())  # another frame: not the clip
    code, out, err = run(capsys, "project", "show", proj, "--check")  # the content, as the app checks it
    assert code == 0, err
    paths = [ln for ln in out.splitlines() if ln.startswith("  path:")]
    assert paths[0] == f"  path: {a.resolve()}", out
    assert paths[1].startswith(f"  path: {b.resolve()}  (MISSING: the folder there does not hold the frames"), out
    # without --check, show looks at the frame images' number only (h218: no frame read): the same clip to it
    code, out, err = run(capsys, "project", "show", proj)
    assert [ln for ln in out.splitlines() if ln.startswith("  path:")] == [f"  path: {a.resolve()}",
                                                                           f"  path: {b.resolve()}"], out
    with Project.open(proj, read_only=True) as p:  # the app's check
        assert p.locate_video(1) == a.resolve() and p.locate_video(2) is None

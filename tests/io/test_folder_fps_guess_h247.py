"""A frame folder opened with no rate given and none known for it is timed at 30 fps, and says so (h247): image
files carry no rate, and a 60 fps folder timed at 30 lost its happiness spot (0.53 s: too long), doubled every
time and drew a false resting-face warning, with nothing said about the guess (a video with no rate got a line)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.cli.main import main
from merstudio.io import DEFAULT_FOLDER_FPS, SourceWarning, open_source


def _folder(path: Path, n: int = 4) -> Path:
    path.mkdir(parents=True)
    for k in range(n):
        cv2.imwrite(str(path / f"img{k + 1:04d}.png"), np.full((48, 64, 3), 40 * k, np.uint8))
    return path


def test_a_folder_timed_at_a_guess_says_so(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "burst")
    with pytest.warns(SourceWarning, match="30 fps assumed"):
        src = open_source(folder)
    with src:
        assert src.fps == DEFAULT_FOLDER_FPS and src.fps_assumed
        (line,) = src.warnings
        assert line.startswith(f"{folder}: 30 fps assumed — set the rate") and "--fps" in line


@pytest.mark.parametrize(("parts", "fps"), [
    (("CASME2-RAW", "sub01", "EP02_01f"), 200.0),
    (("SAMM", "006", "006_1_2"), 200.0),
    (("SMIC_all_raw", "HS", "s1", "micro", "negative", "s1_ne_01"), 100.0),
    (("CASME_raw_selected", "sub01", "EP01_5"), 60.0),
])
def test_a_known_dataset_or_a_given_rate_is_no_guess(tmp_path: Path, parts: tuple[str, ...], fps: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SourceWarning)
        with open_source(_folder(tmp_path.joinpath(*parts))) as src:
            assert src.fps == fps and not src.fps_assumed and src.warnings == []
        with open_source(_folder(tmp_path / "given"), fps=60) as src:
            assert src.fps == 60 and not src.fps_assumed and src.warnings == []
        with open_source(_folder(tmp_path / "photo", n=1) / "img0001.png") as src:  # one image: no timing
            assert not src.fps_assumed and src.warnings == []


def test_analyze_says_the_guess_in_its_summary_and_meta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path / "burst", n=3)
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "-o", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    meta = json.loads((out / "burst.meta.json").read_text())
    assert meta["fps"] == DEFAULT_FOLDER_FPS
    assert any("30 fps assumed" in w and "--fps" in w for w in meta["warnings"])
    assert "30 fps assumed" in text
    assert main(["analyze", str(folder), "--fps", "60", "-o", str(tmp_path / "at60"), "-q"]) == 0
    assert "assumed" not in capsys.readouterr().out
    assert not any("assumed" in w for w in json.loads((tmp_path / "at60" / "burst.meta.json").read_text())["warnings"])

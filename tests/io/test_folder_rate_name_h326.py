"""A folder whose name merely begins "casme" is no CASME I clip (a118: a user's casme_like/ was timed at 60 fps
without a word, halving its spots' durations): CASME I's 60 fps needs the dataset's layout, subNN/<clip> under its
own folder (CASME_raw_selected, CASME, CASME I); any other such folder opens at the assumed 30 fps, which its
warnings say."""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.io import dataset_fps_hint, open_source


def _frames(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for k, name in enumerate(names):
        cv2.imwrite(str(folder / name), np.full((8, 8, 3), 10 * k, np.uint8))
    return folder


@pytest.mark.parametrize("rel", ["casme_like", "casme_like/sub01/EP02_01f", "casme_pilot/clip1", "CASME/EP01_5",
                                 "CASME_raw_selected"])
def test_a_folder_named_casme_alone_is_timed_at_the_assumed_rate_and_says_so(tmp_path: Path, rel: str) -> None:
    folder = _frames(tmp_path / rel, ["img46.png", "img47.png", "img48.png"])
    assert dataset_fps_hint(folder) is None
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        with open_source(folder) as src:
            assert src.fps == 30.0 and src.fps_assumed
            assert any("30 fps assumed" in w for w in src.warnings)


@pytest.mark.parametrize("rel", ["CASME_raw_selected/sub01/EP01_5", "CASME/Cropped/sub19/EP07_10",
                                 "casme/CASME_raw_selected/sub04/EP12_2", "CASME-I/sub02/EP01_11"])
def test_a_clip_laid_out_as_casme_i_is_timed_at_60(tmp_path: Path, rel: str) -> None:
    name = rel.rsplit("/", 1)[1]
    folder = _frames(tmp_path / rel, [f"{name}-{k}.jpg" for k in (5, 6, 7)])
    with open_source(folder) as src:
        assert src.fps == 60.0 and not src.fps_assumed
    assert dataset_fps_hint(Path("/nowhere") / rel) == 60.0  # judged by the path alone too


def test_the_other_datasets_keep_their_rates(tmp_path: Path) -> None:
    assert dataset_fps_hint(Path("/d/CASME2-RAW/sub01/EP02_01f")) == 200.0
    assert dataset_fps_hint(Path("/d/CASME_sq/rawpic/s15/15_0101disgustingteeth")) == 30.0
    assert dataset_fps_hint(Path("/d/CAS(ME)^3/part_A/spNO.1/a/color")) == 30.0
    assert dataset_fps_hint(Path("/d/SAMM/006/006_1_2")) == 200.0

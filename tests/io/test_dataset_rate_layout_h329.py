"""A frame folder gets a dataset's rate only where it lies as the dataset keeps its clips, under a folder of the
dataset's own name (../shared/reference/datasets.md), for every dataset, as h326 made it for CASME I: a user's
samm_pilot/clip1 was timed at SAMM's 200 fps, casme2_mine/clip1 at CASME II's 200 and smic_like/hs/clip at SMIC HS's
100, without a word, shrinking their micro-expressions' durations. Such a folder opens at the assumed 30 fps and its
warnings say so; a real dataset tree (built here in its real layout) keeps its rate."""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.io import SourceWarning, dataset_fps_hint, folder_fps, open_source


def _frames(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for k, name in enumerate(names):
        cv2.imwrite(str(folder / name), np.full((8, 8, 3), 10 * k, np.uint8))
    return folder


@pytest.mark.parametrize("rel", [
    "samm_pilot/clip1", "casme2_mine/clip1", "smic_like/hs/clip",  # the names alone
    "SAMM/clip1", "SAMM/006/clip1", "samm_pilot/006/006_1_2",  # SAMM's name or its layout alone
    "CASME2/clip1", "casme2_mine/sub01/EP02_01f", "CASME2-RAW/EP02_01f",
    "SMIC/HS/clip", "SMIC_all_raw/HS/s1/s1_ne_01", "smic_like/HS/s1/micro/negative/s1_ne_01",
    "SMIC_all_raw/HS/s1/micro/happy/s1_ha_01",
    "CAS(ME)^2/clip1", "CAS(ME)^2_pilot/s15/15_0101disgustingteeth", "casme_sq_notes/clip",
    "CAS(ME)^3/clip/color", "casme3_mine/part_A/spNO.1/a/color",
])
def test_a_folder_whose_name_only_resembles_a_dataset_is_timed_at_the_assumed_rate(tmp_path: Path, rel: str) -> None:
    folder = _frames(tmp_path / rel, ["img1.jpg", "img2.jpg", "img3.jpg"])
    assert dataset_fps_hint(folder) is None
    assert folder_fps(folder, None) == 30.0
    with pytest.warns(SourceWarning, match="30 fps assumed"), open_source(folder) as src:
        assert src.fps == 30.0 and src.fps_assumed
        assert any("30 fps assumed — set the rate" in w for w in src.warnings)


@pytest.mark.parametrize(("rel", "names", "fps"), [
    ("SAMM/006/006_1_2", ["006_05562.jpg", "006_05563.jpg"], 200.0),
    ("SAMM_CROP/011/011_2_3", ["011_00100.jpg", "011_00101.jpg"], 200.0),
    ("CASME2-RAW/sub01/EP02_01f", ["img1.jpg", "img2.jpg"], 200.0),
    ("CASME2/CASME2_RAW_selected/sub17/EP05_03f", ["img46.jpg", "img47.jpg"], 200.0),
    ("CASME II/Cropped/sub04/EP12_01f", ["reg_img46.jpg", "reg_img47.jpg"], 200.0),
    ("SMIC_all_raw/HS/s1/micro/negative/s1_ne_01", ["image000001.bmp", "image000002.bmp"], 100.0),
    ("SMIC/SMIC_all_cropped/HS/s3/micro/surprise/s3_sur_01", ["image000001.bmp", "image000002.bmp"], 100.0),
    ("SMIC_all_raw/VIS/s2/micro/positive/s2_po_01", ["image000001.bmp", "image000002.bmp"], 25.0),
    ("SMIC_all_raw/NIR/s2/micro/positive/s2_po_01", ["image000001.bmp", "image000002.bmp"], 25.0),
    ("CAS(ME)^2/rawpic/s15/15_0101disgustingteeth", ["img1.jpg", "img2.jpg"], 30.0),
    ("CASME_sq/selectedpic/s16/16_0102eatingworms", ["img1.jpg", "img2.jpg"], 30.0),
    ("CAS(ME)^3/part_A/spNO.1/a/color", ["355.jpg", "356.jpg"], 30.0),
    ("CAS(ME)3/part_A/spNO.2/b/depth", ["1.png", "2.png"], 30.0),
])
def test_a_clip_laid_out_as_its_dataset_keeps_its_rate(tmp_path: Path, rel: str, names: list[str],
                                                       fps: float) -> None:
    folder = _frames(tmp_path / rel, names)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SourceWarning)
        with open_source(folder) as src:
            assert src.fps == fps and not src.fps_assumed and src.warnings == []
    assert dataset_fps_hint(Path("/nowhere") / rel) == fps  # judged by the path alone too


def test_the_dataset_name_counts_only_with_the_layout_under_it(tmp_path: Path) -> None:
    # the layout lies under another dataset's folder: that one's name does not lend its rate
    assert dataset_fps_hint(Path("/d/SAMM/mine/CASME2/sub01/EP02_01f")) == 200.0  # CASME II's
    assert dataset_fps_hint(Path("/d/CASME2/copy/SAMM/006/006_1_2")) == 200.0  # SAMM's
    assert dataset_fps_hint(Path("/d/SAMM/SMIC_all_raw/VIS/s1/micro/negative/s1_ne_01")) == 25.0  # SMIC VIS's
    assert dataset_fps_hint(Path("/d/SMIC/SAMM/clip1")) is None
    # a symlink to a dataset clip keeps the dataset's rate (its resolved path holds the layout)
    real = _frames(tmp_path / "SAMM" / "006" / "006_1_2", ["006_05562.jpg"])
    link = tmp_path / "mine"
    link.symlink_to(real, target_is_directory=True)
    assert dataset_fps_hint(link) == 200.0

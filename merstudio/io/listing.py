"""Which files of a folder are the frames of a clip, and in what order, without OpenCV: the frame source
(merstudio.io.frames) plays them, and the project store (merstudio.project.videos) identifies a frame folder by them,
where `merstudio project show` must not pay OpenCV's import (0.2-0.3 s) to list a folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})

DIGIT_RUNS = re.compile(r"([0-9]+)")  # a name's numbers: natural order, and frames.numbering_gaps


def natural_sort_key(name: str) -> tuple[Any, ...]:
    """Sort key that orders embedded numbers by value: img2 < img10, 006_1_2_0009 < 006_1_2_0010."""
    parts = DIGIT_RUNS.split(name)
    # re.split with a group alternates text (even positions) and digits (odd), so positions compare like with like.
    key = tuple(int(p) if k % 2 else p.casefold() for k, p in enumerate(parts))
    return (key, name)  # the raw name breaks ties (img1 vs img01) deterministically


def frame_files(folder: Path) -> list[Path]:
    """The frame images of a folder clip as they are played: image files (IMAGE_EXTENSIONS) in natural order;
    hidden files, other files (a Thumbs.db, notes) and subfolders ignored. OSError where the folder cannot be
    listed."""
    files = [p for p in folder.iterdir()
             if p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith(".") and p.is_file()]
    files.sort(key=lambda p: natural_sort_key(p.name))
    return files

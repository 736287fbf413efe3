"""Natural sort and the list of video extensions have one home each, merstudio.io.listing (light: no OpenCV, for the
project store's frame-folder listing, h218) and merstudio.names (light: the command line's help lists the
extensions; merstudio.io gives it too); the modules that sort subjects,
groups and files or recognise videos use those very objects, and no new private copy appears."""

from __future__ import annotations

import re
from pathlib import Path

import merstudio
import merstudio.io as mio
from merstudio import names
from merstudio.io import frames, listing

PACKAGE = Path(merstudio.__file__).parent
PENDING: set[str] = set()  # no module keeps its own copy


def test_users_import_the_same_objects() -> None:
    import merstudio.datasets.loaders as loaders
    import merstudio.interchange.sheets  # noqa: F401 - imports natural_sort_key inside a function
    import merstudio.training.finetune as finetune
    import merstudio.training.protocols as protocols

    assert mio.natural_sort_key is frames.natural_sort_key is listing.natural_sort_key
    assert mio.IMAGE_EXTENSIONS is frames.IMAGE_EXTENSIONS is listing.IMAGE_EXTENSIONS
    assert protocols.natural_sort_key is mio.natural_sort_key
    assert finetune.natural_sort_key is mio.natural_sort_key
    assert mio.VIDEO_EXTENSIONS is frames.VIDEO_EXTENSIONS is names.VIDEO_EXTENSIONS
    assert loaders.VIDEO_EXTENSIONS is mio.VIDEO_EXTENSIONS


def test_natural_order() -> None:
    names = ["sub10", "Sub2", "sub1", "s01_img10", "s01_img9"]
    assert sorted(names, key=mio.natural_sort_key) == ["s01_img9", "s01_img10", "sub1", "Sub2", "sub10"]


_SPLIT_DIGITS = re.compile(r"re\.(split|compile)\(r?[\"']\(\\d\+\)|\(\[0-9\]\+\)")
_VIDEO_LIST = re.compile(r"[\"']\.mp4[\"']\s*,\s*[\"']\.(avi|mov|mkv)[\"']|[\"']\.avi[\"']\s*,\s*[\"']\.mp4[\"']")


def _offenders(pattern: re.Pattern[str]) -> set[str]:
    found = set()
    for py in PACKAGE.rglob("*.py"):
        rel = py.relative_to(PACKAGE).as_posix()
        if rel not in ("io/listing.py", "names.py") and pattern.search(py.read_text(encoding="utf-8")):
            found.add(rel)
    return found


def test_no_new_copy_of_natural_sort() -> None:
    assert _offenders(_SPLIT_DIGITS) <= PENDING


# lists of containers that are not "what is a video", each with why it is its own
OTHER_LISTS = {"cli/fps_unused.py": "the containers whose frame times ffmpeg -itsscale rescales under -c copy"}


def test_no_new_list_of_video_extensions() -> None:
    assert _offenders(_VIDEO_LIST) <= PENDING | set(OTHER_LISTS)

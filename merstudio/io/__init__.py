"""Frame sources: video files and image-sequence folders behind one FrameSource interface (see frames.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from merstudio.lazy import lazy_exports

if TYPE_CHECKING:
    from merstudio.io.frames import (
        DEFAULT_FOLDER_FPS,
        VIDEO_EXTENSIONS,
        FrameSource,
        ImageSequenceSource,
        SourceWarning,
        VideoSource,
        dataset_fps_hint,
        folder_fps,
        image_size,
        open_source,
        photo_set,
    )
    from merstudio.io.listing import IMAGE_EXTENSIONS, frame_files, natural_sort_key
    from merstudio.io.timebase import Timebase, detect_vfr

# Loaded on first use (PEP 562): merstudio.io.listing (a frame folder's files, natural order) must not pull in OpenCV
# (0.2-0.3 s) for `merstudio project show`, which lists frame folders.
_LAZY = {  # submodule: the names it gives this package
    "frames": ("DEFAULT_FOLDER_FPS", "VIDEO_EXTENSIONS", "FrameSource", "ImageSequenceSource", "SourceWarning",
               "VideoSource", "dataset_fps_hint", "folder_fps", "image_size", "open_source", "photo_set"),
    "listing": ("IMAGE_EXTENSIONS", "frame_files", "natural_sort_key"),
    "timebase": ("Timebase", "detect_vfr"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "DEFAULT_FOLDER_FPS",
    "IMAGE_EXTENSIONS",
    "VIDEO_EXTENSIONS",
    "FrameSource",
    "ImageSequenceSource",
    "SourceWarning",
    "Timebase",
    "VideoSource",
    "dataset_fps_hint",
    "detect_vfr",
    "folder_fps",
    "frame_files",
    "image_size",
    "natural_sort_key",
    "open_source",
    "photo_set",
]

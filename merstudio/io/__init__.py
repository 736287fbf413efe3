"""Frame sources: video files and image-sequence folders behind one FrameSource interface (see frames.py)."""

from merstudio.io.frames import (
    DEFAULT_FOLDER_FPS,
    IMAGE_EXTENSIONS,
    VIDEO_EXTENSIONS,
    FrameSource,
    ImageSequenceSource,
    SourceWarning,
    VideoSource,
    dataset_fps_hint,
    folder_fps,
    image_size,
    natural_sort_key,
    open_source,
    photo_set,
)
from merstudio.io.timebase import Timebase, detect_vfr

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
    "image_size",
    "natural_sort_key",
    "open_source",
    "photo_set",
]

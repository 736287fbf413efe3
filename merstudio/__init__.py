"""merstudio: micro-expression research studio (Qt-free core; the GUI lives in merstudio.gui)."""

__version__ = "0.1.0"

import os as _os

# OpenCV's FFmpeg backend prints WARN lines for every unreadable file; merstudio reports those itself, in one line.
_os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

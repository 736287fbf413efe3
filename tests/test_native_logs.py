"""MediaPipe's start-up lines ("INFO: Created TensorFlow Lite XNNPACK delegate", absl "W0000 ...") never reach
fd 2 in library use (tests, the app, notebooks), not only under the `merstudio` console filter (issue 14, item 15);
what else is written to fd 2 meanwhile still arrives."""

from __future__ import annotations

import os
import subprocess
import sys

LIBRARY_USE = r"""
import os
import numpy as np
from merstudio.face.detector import FaceMeshDetector
from merstudio.face.occlusion import HandOcclusion
from merstudio.native_logs import native_logs_filtered
blank = np.zeros((120, 160, 3), np.uint8)
with FaceMeshDetector(max_faces=1) as det:
    det.detect(blank)
    det.find_faces(blank)
    det.reset()
    det.detect(blank)
hands = HandOcclusion()
hands.update(0, blank)
hands.close()
with native_logs_filtered():
    os.write(2, b"a real warning\n")
    with native_logs_filtered():  # nested: one filter
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
os.write(2, b"after\n")
"""


def test_mediapipe_start_up_lines_are_dropped_in_library_use():
    env = {k: v for k, v in os.environ.items() if k != "MERSTUDIO_MEDIAPIPE_LOGS"}
    r = subprocess.run([sys.executable, "-c", LIBRARY_USE], capture_output=True, timeout=300, env=env)
    err = r.stderr.decode(errors="replace")
    assert r.returncode == 0, err
    assert "TensorFlow Lite" not in err and "W0000" not in err and "absl::InitializeLog" not in err, err
    assert err.splitlines() == ["a real warning", "after"], err

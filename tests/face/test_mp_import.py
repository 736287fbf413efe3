"""MediaPipe is imported without matplotlib (its drawing helpers pull in pyplot) and without its tasks API: most of
the import's time at the start of every analysis; both still load on first use. Run in a fresh interpreter: the
test process may have imported mediapipe already."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import sys, threading
from merstudio.face.mp_import import mediapipe

got = []
threads = [threading.Thread(target=lambda: got.append(mediapipe().solutions.hands.Hands)) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert len(got) == 4 and len(set(got)) == 1, got  # every thread saw the whole package
assert "matplotlib.pyplot" not in sys.modules and "matplotlib" not in sys.modules
assert "mediapipe.tasks" not in sys.modules and "mediapipe.tasks.python" not in sys.modules
mp = mediapipe()
assert mp.tasks.__name__ == "mediapipe.tasks.python" and mp.tasks.vision.FaceLandmarker  # as `import mediapipe` binds it
from mediapipe.tasks import python as tasks_python
assert tasks_python is mp.tasks
assert mp.solutions.drawing_utils.draw_landmarks  # first use loads the real helpers (and matplotlib)
from mediapipe.python.solutions import drawing_styles, drawing_utils
assert drawing_utils is mp.solutions.drawing_utils and drawing_styles.get_default_hand_landmarks_style
assert "matplotlib.pyplot" in sys.modules
try:
    mp.solutions.no_such_thing
except AttributeError:
    pass
else:
    raise AssertionError("unknown attribute")
print("ok")
"""


def test_mediapipe_imports_without_matplotlib_or_tasks_and_loads_them_on_demand():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]

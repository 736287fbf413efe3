"""Under a Turkish LC_CTYPE (tr_TR.UTF-8) MediaPipe could build no graph: it lower-cases calculator names with the C
library's tolower while expanding subgraphs, and there 'I' is not 'i', so its own name check refused
"...__Inferencecalculator__..." (every analysis, the app's and doctor's, failed). Run in a fresh process with the
locale compiled into a folder of the test's own, as the app starts: Qt's setlocale(LC_ALL, "") first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.compiled_locales import compiled_locale

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"

CHILD = r"""
import ctypes, json, locale, sys
import av
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])  # calls setlocale(LC_ALL, "") as the app does
libc = ctypes.CDLL(None)
ctype = locale.setlocale(locale.LC_CTYPE)
bites = libc.tolower(ord("I")) != ord("i")  # the Turkish rule the graph names met
with av.open(sys.argv[1]) as c:
    rgb = next(c.decode(video=0)).to_ndarray(format="rgb24")
from merstudio.face.detector import FaceMeshDetector
with FaceMeshDetector(max_faces=1, video_mode=False) as det:
    faces = det.detect(rgb)
print(json.dumps({"ctype": ctype, "bites": bites, "faces": len(faces),
                  "after": locale.setlocale(locale.LC_CTYPE), "numeric": locale.setlocale(locale.LC_NUMERIC)}))
"""


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
def test_a_face_is_found_under_a_turkish_ctype(tmp_path_factory: pytest.TempPathFactory) -> None:
    locpath, name = compiled_locale(tmp_path_factory.getbasetemp() / "locales", "tr_TR", "UTF-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update(LOCPATH=str(locpath), LC_CTYPE=name, LC_NUMERIC="C", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CHILD, str(REAL)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["ctype"] == name and seen["bites"], seen  # the process really runs under the Turkish rules
    assert seen["faces"] == 1  # smile_man's first frame shows one face
    assert seen["after"] == name and seen["numeric"] == "C"  # the user's locale is left as it was


SWITCH = r"""
import json, locale
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])  # setlocale(LC_ALL, "") as the app does
from merstudio.face.mp_import import neutral_locale
before = locale.setlocale(locale.LC_CTYPE)
with neutral_locale():
    inside = locale.setlocale(locale.LC_CTYPE)
print(json.dumps({"before": before, "inside": inside, "after": locale.setlocale(locale.LC_CTYPE)}))
"""


@pytest.mark.parametrize(("source", "charset", "switched"), [
    ("tr_TR", "UTF-8", True),  # 'I' lowers to dotless i there: the graph build needs neutral case rules
    ("de_DE", "UTF-8", False),  # ASCII case rules already: the process' LC_CTYPE is left alone for other threads
])
def test_the_ctype_is_switched_only_where_case_rules_differ(tmp_path_factory: pytest.TempPathFactory, source: str,
                                                            charset: str, switched: bool) -> None:
    locpath, name = compiled_locale(tmp_path_factory.getbasetemp() / "locales", source, charset)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update(LOCPATH=str(locpath), LC_CTYPE=name, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", SWITCH], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == name and seen["after"] == name, seen
    assert (seen["inside"] != name) is switched, seen

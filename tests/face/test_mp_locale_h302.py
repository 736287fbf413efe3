"""MediaPipe under a locale whose C-library rules break it (a111 findings 3 and 5, h302):
- an 8-bit LC_CTYPE (de_DE.ISO-8859-1): the graph config goes to C++ as upb text, which leaves bytes isprint()
  calls printable raw (0xBF of a float -1.0 is '¿' in Latin-1), and Python's UTF-8 decode of that text failed:
  "UnicodeDecodeError ... position 2312", no analysis at all (`merstudio analyze`, doctor, the app);
- a comma-decimal LC_NUMERIC after setlocale(LC_ALL, "") (a German script, any PySide6 tool: Qt does that):
  protobuf read the `_pb2` descriptors' float defaults with strtod and the import died with "Invalid default '0.9'".
The subprocess tests run in a fresh interpreter under locales compiled for the test (support.compiled_locales); the
unit test fakes the C library's locale queries, so it runs where localedef is missing too."""

from __future__ import annotations

import json
import locale
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.compiled_locales import compiled_locale

from merstudio.face import mp_import

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"

CHILD = r"""
import json, locale, sys
if sys.argv[2] == "all":
    locale.setlocale(locale.LC_ALL, "")  # what a user's script, or Qt at start, does; Python itself sets LC_CTYPE only
import av
with av.open(sys.argv[1]) as c:
    rgb = next(c.decode(video=0)).to_ndarray(format="rgb24")
from merstudio.face.detector import FaceMeshDetector
with FaceMeshDetector(max_faces=1, video_mode=False, small_faces=False) as det:
    faces = det.detect(rgb)
print(json.dumps({"faces": len(faces), "ctype": locale.setlocale(locale.LC_CTYPE),
                  "numeric": locale.setlocale(locale.LC_NUMERIC), "codeset": locale.nl_langinfo(locale.CODESET),
                  "radix": locale.nl_langinfo(locale.RADIXCHAR)}))
"""


@pytest.mark.parametrize(("source", "charset", "setlocale_all", "codeset", "radix"), [
    ("de_DE", "ISO-8859-1", False, "ISO-8859-1", "."),  # 8-bit charset (as `merstudio analyze` runs): the build failed
    ("de_DE", "UTF-8", True, "UTF-8", ","),  # comma decimal: the import's descriptor defaults failed
])
def test_a_face_is_found_under_the_users_locale(tmp_path_factory: pytest.TempPathFactory, source: str, charset: str,
                                                setlocale_all: bool, codeset: str, radix: str) -> None:
    assert DEMO.is_file(), f"the bundled demo clip is missing: {DEMO}"
    locpath, name = compiled_locale(tmp_path_factory.getbasetemp() / "locales", source, charset)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update(LOCPATH=str(locpath), LC_ALL=name)
    done = subprocess.run([sys.executable, "-c", CHILD, str(DEMO), "all" if setlocale_all else "ctype"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["faces"] == 1  # the demo's first frame shows one face
    # the process really ran under that locale, and it is the user's again after the import and the build
    numeric = name if setlocale_all else "C"
    assert seen == {"faces": 1, "ctype": name, "numeric": numeric, "codeset": codeset, "radix": radix}, seen


class FakeLocale:
    """The C library's LC_CTYPE and LC_NUMERIC as setlocale/nl_langinfo see them, for locales this machine may lack."""

    CODESETS = {"de_DE.ISO-8859-1": "ISO-8859-1", "de_DE.UTF-8": "UTF-8", "C.UTF-8": "UTF-8", "C": "ANSI_X3.4-1968"}
    RADIX = {"de_DE.ISO-8859-1": ",", "de_DE.UTF-8": ",", "C.UTF-8": ".", "C": "."}

    def __init__(self, ctype: str, numeric: str) -> None:
        self.now = {locale.LC_CTYPE: ctype, locale.LC_NUMERIC: numeric}
        self.set: list[tuple[int, str]] = []

    def setlocale(self, category: int, name: str | None = None) -> str:
        if name is not None:
            self.now[category] = name
            self.set.append((category, name))
        return self.now[category]

    def nl_langinfo(self, item: int) -> str:
        if item == locale.CODESET:
            return self.CODESETS[self.now[locale.LC_CTYPE]]
        assert item == locale.RADIXCHAR, item
        return self.RADIX[self.now[locale.LC_NUMERIC]]


@pytest.mark.parametrize(("ctype", "numeric", "inside"), [
    ("de_DE.ISO-8859-1", "C", ("C.UTF-8", "C")),  # 8-bit charset: a UTF-8 LC_CTYPE for the build
    ("de_DE.UTF-8", "de_DE.UTF-8", ("de_DE.UTF-8", "C")),  # comma decimal: a '.' one; the UTF-8 ctype is kept
    ("de_DE.ISO-8859-1", "de_DE.ISO-8859-1", ("C.UTF-8", "C")),  # both
    ("de_DE.UTF-8", "C", ("de_DE.UTF-8", "C")),  # nothing to switch: other threads keep the process' locale
])
def test_only_what_breaks_mediapipe_is_switched_and_restored(monkeypatch: pytest.MonkeyPatch, ctype: str,
                                                             numeric: str, inside: tuple[str, str]) -> None:
    fake = FakeLocale(ctype, numeric)
    monkeypatch.setattr(mp_import.locale, "setlocale", fake.setlocale)
    monkeypatch.setattr(mp_import.locale, "nl_langinfo", fake.nl_langinfo)
    monkeypatch.setattr(mp_import, "_neutral_ctypes", {})  # the real locale's answers are cached by name
    with mp_import.neutral_locale():
        assert (fake.now[locale.LC_CTYPE], fake.now[locale.LC_NUMERIC]) == inside
    assert fake.now == {locale.LC_CTYPE: ctype, locale.LC_NUMERIC: numeric}  # the user's, back
    switched = {category for category, _ in fake.set}
    assert switched == {c for c, before, now in [(locale.LC_CTYPE, ctype, inside[0]),
                                                 (locale.LC_NUMERIC, numeric, inside[1])] if before != now}


def test_without_the_c_librarys_locale_query_nothing_is_switched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows' locale module has no nl_langinfo: the import and graph builds run as they are, not in an error."""
    monkeypatch.delattr(locale, "nl_langinfo", raising=False)

    def refuse(*args: object) -> str:
        raise AssertionError("setlocale called")

    monkeypatch.setattr(locale, "setlocale", refuse)
    with mp_import.neutral_locale():
        pass

"""Video file names with non-ASCII characters under locales whose codec is not UTF-8. OpenCV encodes the name it is
given as UTF-8: under de_DE.ISO-8859-1 Python's str of 'Gespräch.avi' (its UTF-8 bytes read as latin-1) named no
file ("not a readable video"), and under LANG=C with UTF-8 mode off the name's surrogates crashed OpenCV's binding
(exit 139) in `merstudio project new` and `analyze`. Each runs in a fresh process under the locale (compiled into a
folder of the test's own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli_run import tiny_video
from support.compiled_locales import compiled_locale

N = 12  # frames tiny_video writes
READ = r"""
import sys
from pathlib import Path
from merstudio.io.frames import open_source
with open_source(Path(sys.argv[1])) as src:
    print(src.frame_count, src.frame(N - 1).shape, sys.getfilesystemencoding())
""".replace("N - 1", str(N - 1))


def _latin1_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    locpath, name = compiled_locale(tmp_path_factory.getbasetemp() / "locales", "de_DE", "ISO-8859-1")
    return dict(os.environ, LOCPATH=str(locpath), LC_ALL=name, PYTHONUTF8="0")


@pytest.mark.parametrize("on_disk", [b"Gespr\xc3\xa4ch.avi", b"Gespr\xe4ch.avi"], ids=["utf8-bytes", "latin1-bytes"])
def test_a_non_ascii_video_name_opens_under_a_latin1_locale(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                                            on_disk: bytes) -> None:
    env = _latin1_env(tmp_path_factory)
    os.rename(tiny_video(tmp_path / "v.avi", n=N), os.path.join(os.fsencode(tmp_path), on_disk))
    done = subprocess.run([sys.executable, "-c", READ, on_disk], cwd=tmp_path, env=env,
                          capture_output=True, text=True, encoding="latin-1", timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    count, *_, encoding = done.stdout.split()
    assert encoding == "iso8859-1"  # the child really decodes names as latin-1
    assert int(count) == N and "(48, 64, 3)" in done.stdout  # every frame written, the last one decoded


def test_an_undecodable_name_under_the_c_locale_is_refused_in_one_line(tmp_path: Path) -> None:
    tiny_video(tmp_path / "Gespräch.avi", n=N)
    env = dict(os.environ, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", XDG_CONFIG_HOME=str(tmp_path))
    for argv in (["project", "new", "p.merproj"], ["analyze", "-o", "out"]):
        done = subprocess.run([sys.executable, "-m", "merstudio", *argv, "Gespräch.avi"], cwd=tmp_path, env=env,
                              capture_output=True, timeout=120)
        err = done.stderr.decode("ascii", "replace").strip()
        assert done.returncode == 2, (done.returncode, err[-1500:])  # -11 (a segfault) before
        assert err.count("\n") == 0 and "PYTHONUTF8=1" in err, err
        assert not (tmp_path / "p.merproj").exists() and not (tmp_path / "out").exists()  # nothing half written

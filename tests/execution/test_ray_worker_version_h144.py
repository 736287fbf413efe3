"""Ray workers that import another merstudio than the driver's computed other numbers without a word (run.json
recorded the driver's version): the run now refuses at the first task, in one line naming both."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.clips import write_clip

import merstudio

pytest.importorskip("ray")

pytestmark = pytest.mark.slow

OTHER = "0.0.9"
# a merstudio package that is this checkout's code under another version number (as an older install would say)
SHIM = f"""
__path__ = [{str(Path(merstudio.__file__).parent)!r}]
exec(compile(open(__path__[0] + "/__init__.py", encoding="utf-8").read(), __path__[0] + "/__init__.py", "exec"))
__version__ = {OTHER!r}
"""


@pytest.fixture
def other_head(tmp_path_factory, monkeypatch):
    from support.ray_cluster import RayHead

    shim = tmp_path_factory.mktemp("other") / "merstudio"
    shim.mkdir()
    (shim / "__init__.py").write_text(SHIM, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(shim.parent))  # the head's workers import the shim
    h = RayHead(cpus=2)
    monkeypatch.delenv("PYTHONPATH")
    yield h
    h.stop()


def test_workers_with_another_merstudio_are_refused_in_one_line(other_head, tmp_path: Path):
    from support.ray_cluster import ray_env

    clip = write_clip(tmp_path / "face.avi", n=10)
    r = subprocess.run([sys.executable, "-m", "merstudio", "analyze", str(clip), "-o", str(tmp_path / "out"), "-q",
                        "--ray", other_head.address], capture_output=True, text=True, timeout=300, env=ray_env(),
                       cwd=tmp_path)  # not the checkout: Ray puts the driver's folder on the workers' path
    assert r.returncode == 2, r.stdout + r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("merstudio:")]
    py = "{}.{}".format(*sys.version_info[:2])
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"runs merstudio {OTHER} (Python {py}," in lines[0], lines[0]
    assert f"this driver merstudio {merstudio.__version__} (Python {py}," in lines[0], lines[0]

"""merstudio as a package, not a checkout: the wheel and the sdist built from this tree carry every bundled resource
(face blendshape model, demo clip, starter checkpoint, their licences), and an installed copy finds them from any
working directory. Built offline from a copy of the tree (tracked and new files), so the checkout is not written."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import merstudio

ROOT = Path(merstudio.__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file() or shutil.which("git") is None,
                                reason="needs a git checkout of merstudio")


def _git_files(*paths: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", *paths],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return sorted({p for p in out.split("\0") if p and (ROOT / p).is_file()})


def _pip(*args: str, cwd: Path) -> None:
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONWARNINGS": "ignore"}
    subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, env=env, capture_output=True, text=True,
                   check=True, timeout=300)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tree copied (git's files, working-tree content), its wheel, and its sdist."""
    tmp = tmp_path_factory.mktemp("pkg")
    src = tmp / "src"
    for rel in _git_files():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    _pip("wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), ".", cwd=src)
    code = "import sys; from setuptools.build_meta import build_sdist; print(build_sdist(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", code, str(tmp / "sdist")], cwd=src, capture_output=True, text=True,
                   check=True, timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    (wheel,) = (tmp / "dist").glob("merstudio-*.whl")
    (sdist,) = (tmp / "sdist").glob("merstudio-*.tar.gz")
    return {"tmp": tmp, "wheel": wheel, "sdist": sdist}


def test_the_wheel_carries_every_resource_and_module_byte_for_byte(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as z:
        names = set(z.namelist())
        resources = _git_files("resources")
        assert len(resources) >= 10  # models (blendshape .npz/.tflite, starter.pt, licence) and the demo clip
        for rel in resources:
            inside = "merstudio/_resources/" + rel.removeprefix("resources/")
            assert inside in names, f"{rel} is not in the wheel"
            assert _sha(z.read(inside)) == _sha((ROOT / rel).read_bytes()), rel
        # the package list in pyproject is explicit (resources/ is mapped in): no module may fall out of it
        missing = [rel for rel in _git_files("merstudio") if rel.endswith(".py") and rel not in names]
        assert missing == []


def test_the_wheel_metadata_names_every_licence_and_a_tested_torch(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode())
        licences = {n.split(".dist-info/licenses/", 1)[1] for n in z.namelist() if ".dist-info/licenses/" in n}
    assert "Apache-2.0" in meta["License-Expression"] and "MIT" in meta["License-Expression"]
    expected = {"LICENSE", "resources/models/LICENSE-MediaPipe-Apache-2.0.txt", "resources/demo/LICENSE.md"}
    assert expected <= set(meta.get_all("License-File")) and expected <= licences
    reqs = [Requirement(r) for r in meta.get_all("Requires-Dist")]
    (torch,) = [r for r in reqs if r.name == "torch"]
    # README's tested version installs; the next minor (2.14, CUDA 13 by default) is not pulled in unasked
    assert Version("2.13.0") in torch.specifier and Version("2.14.1") not in torch.specifier
    extras = {e: sorted(f"{r.name}{r.specifier}" for r in reqs if r.marker and r.marker.evaluate({"extra": e}))
              for e in ("cluster", "ray")}
    assert extras["ray"] == extras["cluster"] and any(r.startswith("ray") for r in extras["ray"])


def test_the_sdist_holds_resources_and_builds_the_same_wheel(built: dict[str, Path]) -> None:
    tmp = built["tmp"]
    with tarfile.open(built["sdist"]) as tar:
        top = tar.getnames()[0].split("/")[0]
        names = set(tar.getnames())
        for rel in [*_git_files("resources"), "LICENSE", "README.md"]:
            assert f"{top}/{rel}" in names, f"{rel} is not in the sdist"
        tar.extractall(tmp / "sdx", filter="data")
    _pip("wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist2"), ".", cwd=tmp / "sdx" / top)
    (again,) = (tmp / "dist2").glob("merstudio-*.whl")
    with zipfile.ZipFile(built["wheel"]) as a, zipfile.ZipFile(again) as b:
        def content(z: zipfile.ZipFile) -> dict[str, str]:
            return {n: _sha(z.read(n)) for n in z.namelist() if ".dist-info/" not in n}

        assert content(a) == content(b)


_PROBE = """
import json, sys
import merstudio
from merstudio.errors import InputError
from merstudio.face.blendshapes import model_path, shared_model
from merstudio.resources import CLUSTER_INSTALL_HINT, demo_truth, demo_video, resources_dir, starter_checkpoint
shared_model()  # loads the blendshape model, checksum verified
print(json.dumps({"package": merstudio.__file__, "dir": str(resources_dir()), "demo": str(demo_video()),
                  "truth": str(demo_truth()), "model": str(model_path()), "starter": str(starter_checkpoint()),
                  "hint": CLUSTER_INSTALL_HINT}))
"""

_MISSING = """
from merstudio.errors import InputError
from merstudio.resources import demo_video
try:
    demo_video()
except InputError as exc:
    print(exc)
"""


def test_an_installed_wheel_finds_its_resources_from_anywhere(built: dict[str, Path]) -> None:
    tmp = built["tmp"]
    site = tmp / "site"
    _pip("install", "-q", "--no-deps", "--target", str(site), str(built["wheel"]), cwd=tmp)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MERSTUDIO_RESOURCES"}
    env["PYTHONPATH"] = str(site)

    def run(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True,
                              text=True, check=True, timeout=300).stdout

    found = json.loads(run(_PROBE))
    assert Path(found["package"]).resolve().parent == (site / "merstudio").resolve()  # not the checkout's
    for key, rel in (("demo", "resources/demo/interview.mp4"), ("truth", "resources/demo/truth.csv"),
                     ("model", "resources/models/face_blendshapes.npz"), ("starter", "resources/models/starter.pt")):
        path = Path(found[key])
        assert site.resolve() in path.resolve().parents, (key, path)
        assert _sha(path.read_bytes()) == _sha((ROOT / rel).read_bytes()), key
    assert found["hint"] == "pip install 'merstudio[cluster]'"

    # a file lost from the installation: the message names one that exists and says how to get them back
    Path(found["demo"]).unlink()
    message = run(_MISSING).strip()
    assert message.startswith(found["demo"]) and "reinstall" in message and "MERSTUDIO_RESOURCES" in message
    named = next(w.rstrip(":,") for w in message.split() if w.rstrip(":,").endswith("README.md"))
    assert Path(named).is_file(), message


def test_a_checkout_uses_its_own_resources_and_an_editable_hint() -> None:
    from merstudio.resources import CLUSTER_INSTALL_HINT, resources_dir

    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    env = os.environ.get("MERSTUDIO_RESOURCES")
    assert resources_dir() == (Path(env) if env else Path(top) / "resources")
    assert CLUSTER_INSTALL_HINT == f"pip install -e '.[cluster]' in {shlex.quote(top)}"

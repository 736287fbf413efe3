"""`merstudio doctor` on the places merstudio writes: the cache is "ok" only where it can be written (a missing one:
the folder above it that exists), with its size and how to clear it; the app's own folder of projects is listed with
its size; a temporary folder with no room for the codec check's test video is named as such (a full TMPDIR or
`ulimit -f` read as a broken codec: an essential FAIL, exit 1)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from support.readonly import read_only_location

from merstudio.cli import doctor
from merstudio.project import Project


def test_a_missing_cache_under_a_read_only_folder_is_not_ok(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    monkeypatch.setenv("MERSTUDIO_CACHE", str(ro / "cache" / "merstudio"))
    with read_only_location(ro):
        status, detail = doctor._check_cache()
    assert status == "warn", detail
    assert f"{ro / 'cache' / 'merstudio'} cannot be written" in detail and f"in {ro}, where it would be made" in detail
    assert "--cache DIR" in detail and "\n" not in detail


def test_the_cache_line_has_its_size_and_how_to_clear_it(tmp_path, monkeypatch):
    cache = tmp_path / "my cache"
    for key, n in (("prep-aaaa", 300_000), ("prep-bbbb", 200_000)):
        (cache / key).mkdir(parents=True)
        (cache / key / "s.npz").write_bytes(bytes(n))
    monkeypatch.setenv("MERSTUDIO_CACHE", str(cache))
    status, detail = doctor._check_cache()
    assert status == "ok", detail
    assert "0.5 MB, 2 input setting(s)" in detail
    assert f"rm -rf '{cache}'/prep-*" in detail  # quoted: the space, and nothing but merstudio's folders


def test_the_apps_projects_are_listed_with_their_size(tmp_path):
    data = tmp_path / "data"
    projects = data / "merstudio" / "merstudio" / "projects"
    projects.mkdir(parents=True)
    Project.create(projects / "clip-0123abcd.merproj").close()
    code = "import json; from merstudio.cli.doctor import _check_app_projects as c; print(json.dumps(c()))"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(data), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    status, detail = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == "ok", detail
    assert detail.startswith(f"{projects} (1 project(s), 0.") and " MB" in detail


CODEC = """
import io, json, contextlib
from functools import partial
from merstudio.cli import doctor
rep = doctor._Report()
out = io.StringIO()
with contextlib.redirect_stdout(out):
    rep.check("codec MJPG", partial(doctor._codec_roundtrip, "MJPG", ".avi"))
    rep.check("cache", doctor._check_cache, essential=False)
print(json.dumps([out.getvalue(), rep.failed, rep.untested]))
"""


def test_no_room_for_the_test_video_is_not_a_broken_codec(tmp_path):
    """`(ulimit -f 2; merstudio doctor)`: the test video (9 kB) is cut short."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = {**os.environ, "TMPDIR": str(tmp_path), "MERSTUDIO_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", CODEC], capture_output=True, text=True, env=env, timeout=120,
                          preexec_fn=limit)
    assert done.returncode == 0, done.stderr
    out, failed, untested = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed == [] and untested == ["codec MJPG"], out
    codec, cache = out.splitlines()
    assert codec.split()[0] == "warn" and "not tested: no test video can be written in the temporary folder" in codec
    assert str(tmp_path) in codec and "ulimit -f, is 2048 bytes" in codec and "raise the limit" in codec
    assert "not a readable video" not in codec
    assert cache.split()[0] == "warn" and "cannot be written" in cache  # a cache entry is larger than that too
    assert not list(Path(tmp_path).glob(".merstudio-doctor-*"))  # the probe is removed

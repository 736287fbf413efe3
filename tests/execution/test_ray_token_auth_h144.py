"""Joining a Ray head that requires Ray's token authentication (what `ray start --head` does by default since Ray
2.52): a driver without the token is told so in one line at once (it got ~20 s of Ray's own InvalidAuthToken
lines, then "cannot connect (Failed to connect to Ray cluster ...)"), and one with the token runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.clips import write_clip

pytest.importorskip("ray")

pytestmark = pytest.mark.slow

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def head():
    from support.ray_cluster import RayHead

    h = RayHead(cpus=2, token=TOKEN)
    yield h
    h.stop()


def _analyze(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "merstudio", "analyze", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def _env(tmp_path: Path, token: str | None, mode: str | None = None) -> dict[str, str]:
    from support.ray_cluster import ray_env

    env = ray_env(token)
    env["HOME"] = str(tmp_path / "home")  # no ~/.ray/auth_token of the machine's user
    if mode is not None:
        env["RAY_AUTH_MODE"] = mode
    elif token is None:
        env.pop("RAY_AUTH_MODE", None)  # a user's shell: Ray's default
    return env


def test_without_the_token_one_line_says_what_to_set(head, tmp_path: Path):
    clip = write_clip(tmp_path / "face.avi", n=10)
    r = _analyze(_env(tmp_path, None), str(clip), "-o", str(tmp_path / "out"), "-q", "--ray", head.address)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr  # Ray's own "InvalidAuthToken" lines stay off the terminal
    assert "token authentication" in lines[0] and "RAY_AUTH_MODE=token" in lines[0]
    assert "RAY_AUTH_TOKEN" in lines[0] and head.address in lines[0]


def test_token_mode_without_a_token_and_a_wrong_token_are_one_line(head, tmp_path: Path):
    out = str(tmp_path / "out")
    clip = str(write_clip(tmp_path / "face.avi", n=10))
    r = _analyze(_env(tmp_path, None, mode="token"), clip, "-o", out, "-q", "--ray", head.address)
    # Ray itself aborts the process (a C++ check, exit -6) when token mode finds no token
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "no Ray token found" in r.stderr
    r = _analyze(_env(tmp_path, "f" * 32), clip, "-o", out, "-q", "--ray", head.address)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "refuses this machine's Ray token" in r.stderr


def test_with_the_token_the_batch_runs(head, tmp_path: Path):
    clip = write_clip(tmp_path / "face.avi", n=10)
    r = _analyze(_env(tmp_path, TOKEN), str(clip), "-o", str(tmp_path / "out"), "-q", "--ray", head.address)
    assert r.returncode == 0, r.stderr
    assert "1 analysed" in r.stdout + r.stderr

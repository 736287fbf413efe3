"""A local Ray head for tests: one process started by the test (loopback, no dashboard, 2 CPUs), its address, and
a clean stop (only the processes it started: never `ray stop`, which ends every Ray of this user)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

_HOLD = r"""
import sys, ray
ray.init(address="local", num_cpus=int(sys.argv[1]), include_dashboard=False, log_to_driver=False,
         _node_ip_address="127.0.0.1", logging_level="ERROR")
print("ADDRESS", ray.get_runtime_context().gcs_address, flush=True)
sys.stdin.read()  # until the test closes our stdin
ray.shutdown()
"""


def ray_env(token: str | None = None) -> dict[str, str]:
    """The environment for the head and for every driver the test starts: no usage report, no token (loopback
    only; `token`: Ray's token authentication with that token, as `ray start --head` has by default since Ray
    2.52), and tests/ importable in the workers."""
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    env.pop("RAY_AUTH_TOKEN", None)
    env.pop("RAY_AUTH_TOKEN_PATH", None)
    if token is not None:
        env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token)
    tests = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (tests, env.get("PYTHONPATH", "")) if p)
    return env


class RayHead:
    def __init__(self, cpus: int = 2, timeout: float = 180.0, token: str | None = None) -> None:
        """`token`: the head requires Ray's token authentication with this token (a driver then needs
        ray_env(token))."""
        self.proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(cpus)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env=ray_env(token))
        self.address = ""
        timer = threading.Timer(timeout, self.proc.kill)
        timer.start()
        try:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                if line.startswith("ADDRESS"):
                    self.address = line.split()[1]
                    break
        finally:
            timer.cancel()
        if not self.address:
            self.stop()
            raise RuntimeError("the Ray head did not start")

    def stop(self) -> None:
        if self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

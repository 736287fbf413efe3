"""A stop signal sent to the whole process group of `analyze --ray` (`timeout`, `kill -TERM -PGID`, a closed
terminal's SIGHUP) reached the embedded Ray's raylet too: it shut down at once and killed the tasks mid-frame, so
their partial metas stayed `running`, their locks stayed and the stop line left them out (a Ctrl-C was spared only
because Ray's processes block SIGINT). The processes ray.init starts now go into a process group of their own.
Ray is not started: its process start-up function is called as ray.init calls it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from support.stand_in_ray import StandInRay

pytest.importorskip("ray")

from merstudio.execution import Backend  # noqa: E402
from merstudio.execution import ray_backend as RB  # noqa: E402

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX's")


class _Ray(StandInRay):
    """ray.init for an embedded Ray: starts its 'raylet' through Ray's own Popen (ray._private.services), as
    start_ray_process does for the GCS, the raylet and the agents."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def is_initialized(self) -> bool:
        return False

    def init(self, **kw: Any) -> None:
        from ray._private import services

        self.started.append(services.ConsolePopen([sys.executable, "-c", "import time; time.sleep(60)"]))


@pytest.fixture
def ray(monkeypatch):
    stand_in = _Ray()
    monkeypatch.setattr(RB, "require_ray", lambda: stand_in)
    yield stand_in
    for proc in stand_in.started:
        proc.kill()
        proc.wait()


def test_an_embedded_rays_processes_are_out_of_the_commands_process_group(ray) -> None:
    from ray._private import services

    rays_own = services.ConsolePopen
    assert RB.connect(Backend("ray")) is True
    (raylet,) = ray.started
    assert os.getpgid(raylet.pid) == raylet.pid != os.getpgrp()  # a group signal to the command misses it
    assert services.ConsolePopen is rays_own  # Ray's start-up function as it was, after ray.init


"""The calls `merstudio.execution.ray_backend.run_ray` makes of Ray, standing in for it in tests that must not start
Ray: one task, which finishes ("done"). Tests subclass it for how the embedded Ray starts and shuts down."""

from __future__ import annotations

from typing import Any


class StandInRay:
    def remote(self, *args: Any) -> Any:  # ray.remote(fn) and, on what it made, .remote(task arguments)
        return self if len(args) == 1 else ("ref", args[3])

    def options(self, **kw: Any) -> Any:
        return self

    def put(self, value: Any) -> Any:
        return value

    def cluster_resources(self) -> dict[str, float]:
        return {"CPU": 1.0}

    def wait(self, refs: list, num_returns: int, timeout: float) -> tuple[list, list]:
        return refs[:1], refs[1:]

    def get(self, ref: Any) -> Any:
        return "done"

    def cancel(self, ref: Any, force: bool) -> None:
        pass

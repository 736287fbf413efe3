"""A project that cannot be created for want of room (a full disk, a quota, `ulimit -f`) fails in one line and
leaves no file: it raised SQLite's own "database or disk is full" and left a 0-byte project, which the app then
opened as a new one the next time (and failed again) instead of asking where to keep it."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

CODE = """
import json, sys
from merstudio.errors import OutputError
from merstudio.project import Project
try:
    Project.create(sys.argv[1])
    print(json.dumps(["created", ""]))
except OutputError as exc:
    print(json.dumps(["OutputError", str(exc)]))
"""


def test_no_room_for_a_new_project_is_one_line_and_leaves_nothing(tmp_path):
    def limit() -> None:  # SQLite's first page (4 kB) is over it
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    p = tmp_path / "p.merproj"
    done = subprocess.run([sys.executable, "-c", CODE, str(p)], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit)
    assert done.returncode == 0, done.stderr
    kind, line = json.loads(done.stdout.strip().splitlines()[-1])
    assert kind == "OutputError" and line.startswith(f"{p}: cannot create project (") and "\n" not in line
    assert sorted(x.name for x in tmp_path.iterdir()) == []  # no 0-byte project, lock or journal left

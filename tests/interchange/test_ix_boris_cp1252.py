"""A .boris project saved by hand on Windows (Windows-1252: BORIS reads with the system's encoding) was refused as
"not a BORIS project (not JSON text...)": its accented names are no UTF-8. It reads, names as written."""

from __future__ import annotations

import json

from merstudio.interchange.boris_project import _load


def test_a_windows_1252_project_reads(tmp_path) -> None:
    pj = {"observations": {"Séance 1": {"events": [], "file": {"1": ["C:/vidéos/entretien.mp4"]}}},
          "behaviors_conf": {"0": {"code": "sourire", "type": "State event"}}, "coding_map": {}}
    path = tmp_path / "projet.boris"
    path.write_bytes(json.dumps(pj, ensure_ascii=False).encode("cp1252"))
    got = _load(path)
    assert list(got["observations"]) == ["Séance 1"]
    assert got["observations"]["Séance 1"]["file"]["1"] == ["C:/vidéos/entretien.mp4"]

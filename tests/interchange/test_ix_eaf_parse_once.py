"""An ELAN file is parsed once per import: its events, its coders (an empty tier's too) and the tiers of other tools
come from one parsed document (eaf.EafDocument)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from merstudio.interchange import Media, parse_eaf, preview_import, write_eaf
from merstudio.interchange.eaf import foreign_tiers
from merstudio.project import Event


def test_preview_import_parses_the_file_once(tmp_path, project, monkeypatch):
    vid = project.videos()[0].id
    path = write_eaf([Event(vid, 10, 12, 20, coder="ann", emotion="fear")], tmp_path / "c.eaf",
                     Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=100))
    parsed = []
    real = ET.parse
    monkeypatch.setattr(ET, "parse", lambda *a, **k: parsed.append(a[0]) or real(*a, **k))
    prev = preview_import(project, path, vid)
    assert prev.file_coders == ["ann"] and len(prev.events) == 1 and len(parsed) == 1
    doc = parse_eaf(path)
    assert foreign_tiers(doc).has_own and doc.coders({"Other": "bob"}) == {"ann", "bob"}
    assert preview_import(project, doc, vid).file_coders == ["ann"] and len(parsed) == 2  # the document: no parse

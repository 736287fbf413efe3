"""ELAN and BORIS exports of a project that moved to another machine link the video the project uses there (found
beside it), not the path stored where it was made: that linked the first machine's folders (a MEDIA_URL and a
RELATIVE_MEDIA_URL into /home/alice/..., BORIS's Source and Media file name too) and named them in a file meant to be
shared. A video found nowhere is linked by its file name alone, and a warning says so."""

from __future__ import annotations

import csv
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from merstudio.interchange import export_project_events
from merstudio.project import Event, Project
from merstudio.resources import demo_video


@pytest.fixture
def travelled(tmp_path):
    """first_machine/study (the demo clip in videos/, two events) copied to bob/study; first_machine gone."""
    made = tmp_path / "first_machine" / "study"
    (made / "videos").mkdir(parents=True)
    clip = Path(shutil.copy(demo_video(), made / "videos" / "interview.mp4"))
    with Project.create(made / "study.merproj") as proj:
        vid = proj.add_video(clip, fps=30.0, frame_count=600, width=640, height=480).id
        proj.add_events([Event(video_id=vid, onset=10, apex=20, offset=30, emotion="happiness", aus="6+12",
                               coder="alice"),
                         Event(video_id=vid, onset=40, apex=45, offset=55, emotion="surprise", coder="alice")])
    shutil.copytree(made, tmp_path / "bob" / "study")
    shutil.rmtree(tmp_path / "first_machine")
    return tmp_path / "bob" / "study" / "study.merproj", vid


def _video_descriptor(eaf: Path) -> dict[str, str]:
    return ET.parse(eaf).getroot().find("HEADER/MEDIA_DESCRIPTOR").attrib


def test_elan_links_the_video_found_beside_the_moved_project(travelled, tmp_path):
    project, vid = travelled
    here = (project.parent / "videos" / "interview.mp4").resolve()
    out = tmp_path / "out" / "x.eaf"
    out.parent.mkdir()
    with Project.open(project, read_only=True) as ro:  # read-only: found, not stored
        export_project_events(ro, vid, out)
    media = _video_descriptor(out)
    assert media["MEDIA_URL"] == here.as_uri()
    assert (out.parent / media["RELATIVE_MEDIA_URL"]).resolve() == here
    assert "first_machine" not in out.read_text(encoding="utf-8")


def test_boris_names_the_video_found_beside_the_moved_project(travelled, tmp_path):
    project, vid = travelled
    here = (project.parent / "videos" / "interview.mp4").resolve()
    out = tmp_path / "x.tsv"
    with Project.open(project, read_only=True) as ro:
        export_project_events(ro, vid, out)
    rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) == 2
    assert {r["Media file name"] for r in rows} == {str(here)}
    assert {r["Source"] for r in rows} == {f"player #1: {here}"}
    assert "first_machine" not in out.read_text(encoding="utf-8")


def test_a_video_found_nowhere_is_linked_by_its_name_and_said(travelled, tmp_path):
    project, vid = travelled
    (project.parent / "videos" / "interview.mp4").unlink()
    out = tmp_path / "x.eaf"
    with Project.open(project, read_only=True) as ro, pytest.warns(UserWarning, match="interview.mp4: not found"):
        export_project_events(ro, vid, out)
    media = _video_descriptor(out)
    assert media["MEDIA_URL"] == (tmp_path / "interview.mp4").resolve().as_uri()  # beside the .eaf, as ELAN looks
    assert media["RELATIVE_MEDIA_URL"] == "./interview.mp4"
    assert "first_machine" not in out.read_text(encoding="utf-8")

"""ELAN writes MEDIA_URL and RELATIVE_MEDIA_URL as the path is, not percent-encoded (its public examples:
``file:///C:/.../New folder (2)/...``): a ``#`` in such a URL is part of the name, not a fragment, and ``%20`` in a
real name is those three characters. merstudio's own MEDIA_URL is encoded (``Path.as_uri``), its relative URL not.
What is on disk decides first (as written, then decoded); where nothing is, a URL is decoded only when it is validly
percent-encoded."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.elan_files import one_event_eaf

from merstudio.cli.main import main
from merstudio.interchange import Media, read_eaf, write_eaf
from merstudio.project import Event

REAL = Path("/work/shared/data/real-faces/smile_man.mp4")
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"
CLIP = REAL if REAL.is_file() else DEMO


def _elan_eaf(path: Path, url: str, relative: str) -> Path:
    """An .eaf as ELAN 6 writes it: the media URLs as the path is (no percent-encoding), one event 567-1367 ms."""
    return one_event_eaf(path, f'<MEDIA_DESCRIPTOR MEDIA_URL="{url}" MIME_TYPE="video/mp4" '
                               f'RELATIVE_MEDIA_URL="{relative}"/>', (567, 1367), "happiness | 6+12")


def _media(path: Path) -> dict[str, str]:
    (md,) = ET.parse(path).getroot().iter("MEDIA_DESCRIPTOR")
    return dict(md.attrib)


def _boris_files(path: Path) -> list[str]:
    return [f for o in json.loads(path.read_text(encoding="utf-8"))["observations"].values()
            for f in o["file"]["1"]]


def test_a_hash_and_a_percent_sign_in_an_elan_url_are_part_of_the_name(tmp_path):
    """`P#07 100% final.mp4` in `P#07 folder`: the video was named "P" (the rest a URL fragment) and lay at .../P."""
    video = tmp_path / "P#07 folder" / "P#07 100% final.mp4"
    video.parent.mkdir()
    video.write_bytes(b"video")
    eaf = _elan_eaf(tmp_path / "elan.eaf", f"file://{video}", "./P#07 folder/P#07 100% final.mp4")
    prev = read_eaf(eaf, fps=30.0)
    assert prev.media == "P#07 100% final.mp4"
    assert Path(prev.media_path) == video
    # the absolute URL alone (no relative one), the video moved away: still its own name and path
    video.unlink()
    prev = read_eaf(_elan_eaf(tmp_path / "abs.eaf", f"file://{video}", ""), fps=30.0)
    assert prev.media == "P#07 100% final.mp4" and prev.media_path == str(video)


def test_convert_names_and_links_the_elan_files_video(tmp_path, capsys):
    """`merstudio convert elan.eaf out.csv / .boris / .eaf` of that file: the CSV's video column, the BORIS
    project's media path and the new .eaf's MEDIA_URL are the real file's."""
    video = tmp_path / "P#07 folder" / "P#07 100% final.mp4"
    video.parent.mkdir()
    shutil.copyfile(CLIP, video)
    eaf = _elan_eaf(tmp_path / "elan.eaf", f"file://{video}", "./P#07 folder/P#07 100% final.mp4")
    assert main(["convert", str(eaf), str(tmp_path / "out.csv")]) == 0
    head, row = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert head.startswith("video,") and row.startswith("P#07 100% final.mp4,")
    assert main(["convert", str(eaf), str(tmp_path / "out.boris")]) == 0
    (linked,) = _boris_files(tmp_path / "out.boris")
    assert (tmp_path / linked).resolve() == video.resolve()
    assert main(["convert", str(eaf), str(tmp_path / "out.eaf")]) == 0
    md = _media(tmp_path / "out.eaf")
    assert md["MEDIA_URL"] == video.resolve().as_uri()  # pathlib's encoding: .../P%2307%20folder/P%2307%20100%25...
    assert (tmp_path / md["RELATIVE_MEDIA_URL"]).resolve() == video.resolve()


@pytest.mark.parametrize("name", ["P#07 final.mp4", "Interview%20P07.mp4", "plain.mp4"])
def test_a_moved_merstudio_eaf_links_the_moved_video(tmp_path, capsys, name):
    """merstudio's own .eaf (encoded MEDIA_URL, relative URL as the path is) moved with its video to another
    folder, the original gone: the .boris output linked the old absolute path for `P#07 final.mp4` and
    `Interview%20P07.mp4` (a plain name linked the moved copy)."""
    old = tmp_path / "old"
    (old / "ex").mkdir(parents=True)
    shutil.copyfile(CLIP, old / name)
    write_eaf([Event(0, 10, 12, 14, emotion="happiness", coder="zoe")], old / "ex" / "h.eaf",
              Media(str(old / name), fps=30.0, frame_count=72))
    assert _media(old / "ex" / "h.eaf")["MEDIA_URL"] == (old / name).resolve().as_uri()
    new = tmp_path / "moved"
    shutil.move(old, new)
    prev = read_eaf(new / "ex" / "h.eaf")
    assert prev.media == name and Path(prev.media_path) == new / name
    assert main(["convert", str(new / "ex" / "h.eaf"), str(new / "ex" / "h.boris")]) == 0
    (linked,) = _boris_files(new / "ex" / "h.boris")
    assert (new / "ex" / linked).resolve() == (new / name).resolve()


def test_nothing_on_disk_a_url_is_decoded_only_where_it_is_validly_encoded(tmp_path):
    """Neither spelling here (another machine's file): an encoded URL is decoded (`with%20space.mp4` is
    "with space.mp4"); one written as the path is keeps its `%` (`100% sure.mp4`, `a%2.mp4`)."""
    cases = {"file:///elsewhere/with%20space.mp4": ("with space.mp4", "/elsewhere/with space.mp4"),
             "file:///elsewhere/Gespr%C3%A4ch.mp4": ("Gespräch.mp4", "/elsewhere/Gespräch.mp4"),
             "file:///elsewhere/100% sure.mp4": ("100% sure.mp4", "/elsewhere/100% sure.mp4"),
             "file:///elsewhere/a%2.mp4": ("a%2.mp4", "/elsewhere/a%2.mp4"),
             "file:///elsewhere/P#07%20x.mp4": ("P#07%20x.mp4", "/elsewhere/P#07%20x.mp4"),
             "file:///C:/Users/New folder (2)/P%2007.mp4": ("P%2007.mp4", "C:/Users/New folder (2)/P%2007.mp4")}
    for i, (url, (name, where)) in enumerate(cases.items()):
        prev = read_eaf(_elan_eaf(tmp_path / f"{i}.eaf", url, ""), fps=30.0)
        assert (prev.media, prev.media_path) == (name, where), url


def test_an_encoded_relative_url_finds_the_decoded_file_and_a_raw_one_its_own(tmp_path):
    """On disk decides: `./with%20space.mp4` (another tool's encoding) finds `with space.mp4`; `./Interview%20P07.mp4`
    finds the file named so where it exists, even beside a `Interview P07.mp4`."""
    (tmp_path / "with space.mp4").write_bytes(b"v")
    prev = read_eaf(_elan_eaf(tmp_path / "a.eaf", "", "./with%20space.mp4"), fps=30.0)
    assert Path(prev.media_path) == tmp_path / "with space.mp4" and prev.media == "with space.mp4"
    (tmp_path / "Interview%20P07.mp4").write_bytes(b"v")
    (tmp_path / "Interview P07.mp4").write_bytes(b"v")
    prev = read_eaf(_elan_eaf(tmp_path / "b.eaf", "", "./Interview%20P07.mp4"), fps=30.0)
    assert Path(prev.media_path) == tmp_path / "Interview%20P07.mp4" and prev.media == "Interview%20P07.mp4"

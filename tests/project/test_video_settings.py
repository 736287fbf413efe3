"""A video's own project settings (VIDEO_SETTING_PREFIXES) go with it: removing a video removes them, in the same
transaction as its rows, so a video added later under the same id does not inherit its subject, baselines, coders,
ELAN media or turn; and every per-video key merstudio builds is in that one list."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import merstudio
from merstudio.errors import MerstudioError
from merstudio.features.neutral import NeutralBaseline, load_baselines, setting_key, store_baselines
from merstudio.interchange import elan_media_key, face_names_key
from merstudio.project.settings import old_names_key
from merstudio.project.store import VIDEO_SETTING_PREFIXES, coded_key, video_setting_keys
from merstudio.project.subjects import set_video_subject, subject_key, video_subject
from merstudio.project.videos import rate_set_key

PACKAGE = Path(merstudio.__file__).parent


def _video(project, tmp_path, name: str, fill: int):
    p = tmp_path / "videos" / name
    p.write_bytes(bytes([fill]) * 4096)
    return project.add_video(p, fps=30.0, frame_count=40, width=320, height=240)


def _set_all(project, vid: int, tag: str) -> None:
    """Every per-video setting, each written the way its module writes it."""
    project.mark_coded(vid, [f"ann{tag}"])
    set_video_subject(project, vid, f"S{tag}")
    store_baselines(project, vid, {0: NeutralBaseline(0, 1, 5, {"AU12_r": 0.5}, frames=5)})
    project.set_setting(elan_media_key(vid), {"time_origin": 40, "linked": []})
    project.set_setting(f"analysis_turn/{vid}", 180)  # as merstudio.gui.analysis_control writes them
    project.set_setting(f"analysis_turned/{vid}", 90)
    project.set_setting(f"view_place/{vid}", {"frame": 12, "range": [2.5, 30.5]})  # as merstudio.gui.places does
    project.set_setting(face_names_key(vid), [[0, f"Mother{tag}"], [1, "Infant"]])  # as an import remembers them
    project.set_setting(old_names_key(vid), [f"old{tag}.avi"])  # as Project.relocate keeps a renamed video's name
    project.set_setting(rate_set_key(vid), 60.0)  # as Project.set_video_fps marks a folder's rate set by a user


def _keys_of(project, vid: int) -> set[str]:
    return {k for (k,) in project._query("SELECT key FROM settings") if re.search(rf"\D{vid}$", k)}


def test_a_removed_videos_settings_do_not_pass_to_a_video_that_gets_its_id(project, tmp_path) -> None:
    first = project.videos()[0].id
    second = _video(project, tmp_path, "b.avi", 1).id
    _set_all(project, first, "1")
    _set_all(project, second, "2")
    assert _keys_of(project, second) == set(video_setting_keys(second))  # every per-video key is set
    kept = {k: project.get_setting(k) for k in video_setting_keys(first)}

    project.remove_video(second)
    again = _video(project, tmp_path, "c.avi", 2)
    assert again.id == second  # SQLite gives the freed id to the next video
    assert _keys_of(project, second) == set()  # was: subject, baselines, ELAN media and turn passed to it
    assert project.coded_by(second) == [] and video_subject(project, second) is None
    assert load_baselines(project, second) == {} and project.get_setting(f"analysis_turn/{second}") is None
    assert {k: project.get_setting(k) for k in video_setting_keys(first)} == kept  # the other video's stay


def test_the_settings_go_in_the_same_transaction_as_the_rows(project, tmp_path) -> None:
    vid = _video(project, tmp_path, "b.avi", 1).id
    _set_all(project, vid, "2")
    project._con.execute("CREATE TEMP TRIGGER full BEFORE DELETE ON settings BEGIN SELECT RAISE(ABORT, 'disk full'); "
                         "END")
    with pytest.raises((sqlite3.Error, MerstudioError)):
        project.remove_video(vid)
    project._con.execute("DROP TRIGGER full")
    assert vid in [v.id for v in project.videos()] and _keys_of(project, vid) == set(video_setting_keys(vid))


def test_every_per_video_key_is_listed() -> None:
    """The keys' own helpers, and every key built in merstudio's sources as a prefix and a video's id."""
    assert {coded_key(7), subject_key(7), setting_key(7), elan_media_key(7)} <= set(video_setting_keys(7))
    built = re.compile(r"f[\"']([A-Za-z_][\w./:]*[:./])\{(?:int\()?(?:video_id|video\.id|vid|v\.id)\)?\}[\"']")
    found = {m.group(1) for p in PACKAGE.rglob("*.py") for m in built.finditer(p.read_text(encoding="utf-8"))}
    assert len(found) >= 6, found  # the pattern still finds the keys it was written for
    assert found <= set(VIDEO_SETTING_PREFIXES), found - set(VIDEO_SETTING_PREFIXES)

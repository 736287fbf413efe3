"""BORIS project files (.boris): our export opened as BORIS reads it, round trips, and projects as BORIS writes them."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest
from ix_helpers import sample_events
from support.boris_projects import behaviour, media_observation, point
from support.boris_projects import boris_project as project_dict

from merstudio.errors import InputError
from merstudio.interchange import (
    Media,
    commit_import,
    detect_format,
    preview_import,
    read_events,
    write_events,
)
from merstudio.interchange.boris_project import boris_project, read_boris_project, write_boris_project
from merstudio.project import Event
from merstudio.project.apex import APEX_IMPUTED


def coding(events):
    """What a .boris file keeps of an event (not confidence, status or source)."""
    return sorted((e.coder, e.face_id, e.onset, e.apex, e.offset, e.emotion, e.aus, e.note) for e in events)


@pytest.mark.parametrize("name", ["coded.boris", "coded.boris.gz"])
@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0])
def test_round_trip(tmp_path, name, fps):
    evs = sample_events()
    path = write_events(evs, tmp_path / name, Media(str(tmp_path / "clip.mp4"), fps=fps, frame_count=99))
    assert detect_format(path) == "boris-project"
    prev = read_events(path, fps=fps, video_name="clip.mp4")
    assert prev.ok and prev.format == "BORIS project" and prev.media == "clip.mp4"
    assert coding(prev.accept()) == coding(evs)
    assert {e.source for e in prev.events} == {"imported"}


def test_what_boris_checks_when_it_opens_a_project(tmp_path):
    """The checks of BORIS's check_project_integrity that our export could fail (the export was also opened with
    BORIS's own project_functions and export_aggregated_events on 2026-12-05: no integrity message, every
    observation exported)."""
    two = {0: Media("/v/a.mp4", fps=30.0, frame_count=300, video_id=0),
           1: Media("/v/b.mp4", fps=25.0, frame_count=100, video_id=1)}
    evs = sample_events() + [Event(1, 5, 6, 9, emotion="fear", aus="20", coder="bob")]
    pj = boris_project(evs, two)
    ethogram = {b["code"]: b for b in pj["behaviors_conf"].values()}
    subjects = {s["name"] for s in pj["subjects_conf"].values()}
    # one observation per video, coder and review status (accepted under the coder's name alone, "no coder" for
    # none), so the checks below run on every one: three entries (START, apex, STOP) per event, one for bob's
    # one-frame unlabelled event (a behaviour whose every event is one frame is a point event, h185)
    assert {k: len(obs["events"]) for k, obs in pj["observations"].items()} == {
        "a - alice": 6, "a - alice (proposals)": 3, "a - bob": 1, "a - bob (rejected)": 3, "a - lab/coder 2": 3,
        "a - no coder (proposals)": 3, "b - bob": 3}
    for obs in pj["observations"].values():
        for files in obs["file"].values():
            for f in files:
                for info in ("length", "fps", "hasAudio", "hasVideo"):
                    assert f in obs["media_info"][info]
        times = [ev[0] for ev in obs["events"]]
        assert times == sorted(times)
        count = Counter()
        for t, subject, code, modifier, _comment, frame in obs["events"]:
            assert code in ethogram and subject in subjects
            assert len(modifier.split("|")) == max(1, len(ethogram[code]["modifiers"]))
            assert isinstance(frame, int) and abs(frame / obs["media_info"]["fps"][obs["file"]["1"][0]] - t) < 0.001
            if ethogram[code]["type"] == "State event":
                count[(subject, code, modifier)] += 1
        assert all(n % 2 == 0 for n in count.values())  # every state paired
    # the ethogram's modifier values hold every AU coded (BORIS offers them when the coder edits an event)
    values = set(ethogram["happiness"]["modifiers"]["0"]["values"])
    assert {"AU6", "L12", "AU1", "AU2", "AU5B", "R14", "AU17", "AU4", "AU7", "AU12", "AU20"} <= values


def test_touching_events_of_one_key_go_to_a_second_observation(tmp_path):
    """BORIS pairs a state's entries by alternation: a STOP and the next START at one time would pair wrongly."""
    evs = [Event(0, 10, 12, 20, emotion="happiness", aus="12", coder="ann"),
           Event(0, 21, 25, 30, emotion="happiness", aus="12", coder="ann"),  # starts where the first stops
           Event(0, 15, 16, 18, emotion="happiness", aus="6", coder="ann")]  # other AUs: pairs apart
    pj = boris_project(evs, Media("/v/clip.mp4", fps=30.0, frame_count=99))
    assert sorted(pj["observations"]) == ["clip - ann", "clip - ann (2)"]
    assert len(pj["observations"]["clip - ann (2)"]["events"]) == 3  # START, apex, STOP of the second
    path = write_boris_project(evs, tmp_path / "c.boris", Media("/v/clip.mp4", fps=30.0, frame_count=99))
    assert coding(read_boris_project(path, fps=30.0).events) == coding(evs)


def _obs(events, files=("/home/coder/video/clip.mp4",), fps=30.0, lengths=(60.0,), offset=0.0):
    return media_observation(files, events, fps=fps, lengths=lengths, offset=offset)


def _boris(observations):
    """A project as BORIS 8 saves it: an ethogram of state and point events, AU modifiers in a set of their own."""
    au = [("AU", ["AU1", "AU2", "AU12"])]
    return project_dict(observations, subjects=["participant", "interviewer"], name="study",
                        ethogram=[behaviour("happiness", au, key="h"), behaviour("surprise", au, key="s"),
                                  point("apex", key="a"), point("blink", key="b")])


def test_a_project_as_boris_writes_it(tmp_path):
    """Frames by hand at 30 fps: frame k starts at ceil(k * 1000 / 30) ms, so 0.334 s starts frame 10, 0.700 s
    frame 21 (the STOP: the last frame before it, 20), 0.500 s lies in frame 15."""
    pj = _boris({
        "ann, session 1": _obs([
            [0.334, "participant", "happiness", "AU12", "smile", 10],
            [0.5, "participant", "apex", "", "", 15],
            [0.7, "participant", "happiness", "AU12", "", 21],
            [1.0, "interviewer", "surprise", "AU1,AU2", "", 30],
            [1.2, "participant", "blink", "", "", 36],
            [1.5, "interviewer", "surprise", "AU1,AU2", "brows", 45],
            [2.0, "participant", "happiness", "None", "", 60],  # started, never stopped
        ])})
    path = tmp_path / "study.boris"
    path.write_text(json.dumps(pj), encoding="utf-8")
    prev = read_boris_project(path, fps=30.0, video_name="clip.mp4")
    got = sorted((e.coder, e.face_id, e.onset, e.apex, e.offset, e.emotion, e.aus, e.note) for e in prev.events)
    assert got == [("ann, session 1", 0, 10, 15, 20, "happiness", "12", "smile"),
                   ("ann, session 1", 0, 36, 36, 36, "blink", "", ""),
                   ("ann, session 1", 1, 30, 37, 44, "surprise", "1+2", "brows " + APEX_IMPUTED)]  # no apex point
    assert [s.reason for s in prev.skipped] == ["'happiness' of 'participant' starts at 2.000 s and is never stopped"]
    assert prev.media_path == "/home/coder/video/clip.mp4"


def test_time_offset_and_the_second_file_of_a_player(tmp_path):
    """BORIS stores media time plus the observation's time offset; a player's second file starts where the first
    ends (10 s here), so 12.0 s on the observation's clock is 2.0 s, frame 50 at 25 fps, of the second file."""
    files = ("/m/part1.mp4", "/m/part2.mp4")
    pj = _boris({"obs": _obs([[3.0, "participant", "blink", "", "", 50],
                              [15.0 + 2.0, "participant", "blink", "", "", 50]],
                             files=files, fps=25.0, lengths=(10.0, 20.0), offset=5.0)})
    path = tmp_path / "two.boris"
    path.write_text(json.dumps(pj), encoding="utf-8")
    second = read_boris_project(path, fps=25.0, video_name="part2.mp4")
    assert [(e.onset, e.offset) for e in second.events] == [(50, 50)]
    assert any("1 event(s) on other media files of its player" in n for n in second.notes)
    first = read_boris_project(path, fps=25.0, video_name="part1.mp4")  # 3.0 s is before the offset: not media
    assert first.events == [] and any("2 event(s) on other media files" in n for n in first.notes)


def test_choosing_among_media_and_bad_files(tmp_path):
    pj = _boris({"a": _obs([], files=("/m/a.mp4",)), "b": _obs([], files=("/m/b.mp4",)),
                 "live": {"type": "LIVE", "events": [], "file": {}}})
    path = tmp_path / "p.boris"
    path.write_text(json.dumps(pj), encoding="utf-8")
    with pytest.raises(InputError, match="play 2 media files .*choose one"):
        read_boris_project(path, fps=30.0)
    prev = read_boris_project(path, fps=30.0, video_name="b.mp4")
    assert any("without media (live or images) left out: live" in n for n in prev.notes)
    assert any("1 observation(s) of other media files than 'b.mp4'" in n for n in prev.notes)
    bad = tmp_path / "bad.boris"
    for content, message in ((b"\x1f\x8b\x08garbage", "not a readable gzip"), (b"{\"x\": 1}", "not a BORIS project"),
                             (b"\xff\xfe\x00", "not a BORIS project"),
                             (json.dumps(_boris({"live": {"type": "LIVE", "events": []}})).encode(),
                              "no observation of a media file")):
        bad.write_bytes(content)
        with pytest.raises(InputError, match=message):
            read_boris_project(bad, fps=30.0)
    with pytest.raises(InputError, match="not found"):
        read_boris_project(tmp_path / "none.boris", fps=30.0)


def test_gzip_is_written_and_read(tmp_path):
    evs = sample_events()[:2]
    path = write_boris_project(evs, tmp_path / "c.boris.gz", Media("/v/clip.mp4", fps=30.0, frame_count=99))
    assert json.loads(gzip.decompress(path.read_bytes()))["project_format_version"] == "7.0"


def test_import_into_a_project_and_again(tmp_path, project):
    video = project.videos()[0]
    evs = [Event(video.id, 3, 4, 6, emotion="happiness", aus="12", coder="ann")]
    path = write_boris_project(evs, tmp_path / "c.boris", Media(str(video.path), fps=video.fps,
                                                                 frame_count=video.frame_count))
    prev = preview_import(project, path, video.id)
    assert len(commit_import(project, prev)) == 1 and "ann" in project.coders()
    assert preview_import(project, path, video.id).duplicates  # a second import adds nothing

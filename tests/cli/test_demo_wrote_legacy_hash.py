"""The demo replaces its own earlier results only: one recorded by an earlier merstudio's identity rule (the first
and last MiB, before h161) for another install's copy of the clip is still its own (it was taken for the user's)."""

from __future__ import annotations

import json

from merstudio.analysis.files import content_hash, legacy_content_hash
from merstudio.cli.demo import _demo_wrote
from merstudio.resources import demo_video


def _meta(tmp_path, digest: str):
    p = tmp_path / "interview.meta.json"
    p.write_text(json.dumps({"merstudio": "0.1.0", "input": "/elsewhere/interview.mp4", "input_hash": digest}))
    return p


def test_an_earlier_rules_hash_of_the_clip_is_the_demos(tmp_path):
    video = demo_video()
    assert legacy_content_hash(video) != content_hash(video)
    assert _demo_wrote(_meta(tmp_path, legacy_content_hash(video)), video)
    assert _demo_wrote(_meta(tmp_path, content_hash(video)), video)


def test_another_files_hash_is_not(tmp_path):
    other = tmp_path / "mine.mp4"
    other.write_bytes(b"\0" * 4096)
    assert not _demo_wrote(_meta(tmp_path, legacy_content_hash(other)), demo_video())

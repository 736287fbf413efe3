"""ELAN .eaf export/import: round trips, EAF 3.0 structure, malformed files, previews and all-or-nothing import."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ix_helpers import canon, sample_events

from merstudio.errors import InputError
from merstudio.interchange import Media, commit_import, preview_import, read_eaf, tier_name, write_eaf
from merstudio.project import Event

# EAF 3.0 (EAFv3.0.xsd): ANNOTATION_DOCUMENT's children in this order, each group optional except HEADER and
# TIME_ORDER; required attributes per element.
DOC_ORDER = ["LICENSE", "HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE", "LOCALE", "LANGUAGE", "CONSTRAINT",
             "CONTROLLED_VOCABULARY", "LEXICON_REF", "EXTERNAL_REF"]
REQUIRED = {"ANNOTATION_DOCUMENT": {"AUTHOR", "DATE", "FORMAT", "VERSION"},
            "MEDIA_DESCRIPTOR": {"MEDIA_URL", "MIME_TYPE"}, "TIME_SLOT": {"TIME_SLOT_ID"},
            "TIER": {"TIER_ID", "LINGUISTIC_TYPE_REF"},
            "ALIGNABLE_ANNOTATION": {"ANNOTATION_ID", "TIME_SLOT_REF1", "TIME_SLOT_REF2"},
            "REF_ANNOTATION": {"ANNOTATION_ID", "ANNOTATION_REF"}, "LINGUISTIC_TYPE": {"LINGUISTIC_TYPE_ID"},
            "CONSTRAINT": {"STEREOTYPE"}}
STEREOTYPES = {"Time_Subdivision", "Symbolic_Subdivision", "Symbolic_Association", "Included_In"}


def check_eaf30(path: Path) -> ET.Element:
    """Structural validation against the EAF 3.0 schema's rules (order, required attributes, ID/IDREF integrity,
    parent tiers, linguistic types and constraints, non-overlapping annotations within a tier)."""
    root = ET.parse(path).getroot()
    assert root.tag == "ANNOTATION_DOCUMENT" and root.get("VERSION") == "3.0" and root.get("FORMAT") == "3.0"
    ranks = [DOC_ORDER.index(c.tag) for c in root]
    assert ranks == sorted(ranks), [c.tag for c in root]
    assert [c.tag for c in root].count("HEADER") == 1 and [c.tag for c in root].count("TIME_ORDER") == 1
    for el in root.iter():
        missing = REQUIRED.get(el.tag, set()) - set(el.attrib)
        assert not missing, (el.tag, missing)
    header = root.find("HEADER")
    assert [c.tag for c in header] == sorted((c.tag for c in header),
                                             key=["MEDIA_DESCRIPTOR", "LINKED_FILE_DESCRIPTOR", "PROPERTY"].index)
    ids = [el.get("TIME_SLOT_ID") for el in root.iter("TIME_SLOT")] + \
          [el.get("ANNOTATION_ID") for el in root.iter() if el.tag.endswith("_ANNOTATION")]
    assert len(ids) == len(set(ids))  # xsd:ID values are unique in the document
    slots = {el.get("TIME_SLOT_ID"): int(el.get("TIME_VALUE")) for el in root.iter("TIME_SLOT")}
    values = list(slots.values())
    assert values == sorted(values)
    tiers = {t.get("TIER_ID"): t for t in root.iter("TIER")}
    types = {lt.get("LINGUISTIC_TYPE_ID"): lt for lt in root.iter("LINGUISTIC_TYPE")}
    stereos = {c.get("STEREOTYPE") for c in root.iter("CONSTRAINT")}
    assert stereos <= STEREOTYPES
    ann_ids = {el.get("ANNOTATION_ID") for el in root.iter("ALIGNABLE_ANNOTATION")}
    for tid, t in tiers.items():
        lt = types[t.get("LINGUISTIC_TYPE_REF")]
        if lt.get("CONSTRAINTS"):
            assert lt.get("CONSTRAINTS") in stereos
            assert t.get("PARENT_REF") in tiers
        spans = []
        for a in t.iter("ALIGNABLE_ANNOTATION"):
            t1, t2 = slots[a.get("TIME_SLOT_REF1")], slots[a.get("TIME_SLOT_REF2")]
            assert t1 < t2
            spans.append((t1, t2))
            assert a.find("ANNOTATION_VALUE") is not None
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), f"overlapping annotations in {tid}"
        for r in t.iter("REF_ANNOTATION"):
            assert r.get("ANNOTATION_REF") in ann_ids
    return root


@pytest.mark.parametrize("fps", [25.0, 29.97, 30.0, 60.0, 200.0])
def test_round_trip_gives_back_the_same_events(tmp_path, fps):
    evs = sample_events() + [Event(0, 10**6, 10**6 + 3, 10**6 + 9, emotion="late", coder="bob")]  # a long video
    path = write_eaf(evs, tmp_path / "coded.eaf", Media(str(tmp_path / "clip.mp4"), fps=fps, frame_count=2 * 10**6))
    check_eaf30(path)
    prev = read_eaf(path, fps=fps)
    assert prev.ok and prev.notes == []
    assert canon(prev.accept()) == canon(evs)
    assert prev.media == "clip.mp4" and prev.coders == ["", "alice", "bob", "lab/coder 2"]


def test_tier_scheme_media_descriptor_and_fps_property(tmp_path, events):
    video = tmp_path / "media" / "clip.mp4"
    path = write_eaf(events, tmp_path / "out" / "coded.eaf", Media(str(video), fps=30.0, frame_count=100))
    root = check_eaf30(path)
    tiers = [t.get("TIER_ID") for t in root.iter("TIER")]
    # alice's two overlapping face-0 events need two lanes; her face-1 event a face tier
    for name in ("alice/event", "alice/apex", "alice/meta", "alice/event/face0/2", "alice/event/face1",
                 "bob/event", "lab/coder 2/event"):
        assert name in tiers
    assert tier_name("alice", "apex", 1, 1) == "alice/apex/face1"
    md = root.find("HEADER/MEDIA_DESCRIPTOR")
    assert md.get("MEDIA_URL") == video.resolve().as_uri() and md.get("MIME_TYPE") == "video/mp4"
    assert md.get("RELATIVE_MEDIA_URL") == "../media/clip.mp4"
    props = {p.get("NAME"): p.text for p in root.iter("PROPERTY")}
    assert float(props["merstudio:fps"]) == 30.0 and props["merstudio:frame_count"] == "100"
    assert props["merstudio:frame_rule"] == "ceil"
    ev = root.find("TIER[@TIER_ID='alice/event']/ANNOTATION/ALIGNABLE_ANNOTATION")
    slots = {s.get("TIME_SLOT_ID"): int(s.get("TIME_VALUE")) for s in root.iter("TIME_SLOT")}
    # happiness 10..30 at 30 fps: [334, 1034) ms (frame k starts at ceil(k * 33.33) ms, as in ELAN), apex 15 ->
    # [500, 534)
    assert (slots[ev.get("TIME_SLOT_REF1")], slots[ev.get("TIME_SLOT_REF2")]) == (334, 1034)
    assert ev.findtext("ANNOTATION_VALUE") == "happiness | 6+L12"


def test_hand_made_tier_mapped_to_a_coder_with_drawn_times(tmp_path):
    # ELAN as a person uses it: a tier named after the coder, times drawn anywhere, no apex tier
    (tmp_path / "hand.eaf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" '
        'FORMAT="3.0" VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>'
        '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="345"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1010"/>'
        '</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="Carla"><ANNOTATION><ALIGNABLE_ANNOTATION '
        'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>surprise</ANNOTATION_VALUE>'
        '</ALIGNABLE_ANNOTATION></ANNOTATION></TIER><TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="default"/>'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>')
    plain = read_eaf(tmp_path / "hand.eaf", fps=30.0)
    assert not plain.ok and "tier 'Carla': unknown tier" in str(plain.skipped[0])
    assert any("empty tier 'default'" in n for n in plain.notes)  # an empty unknown tier loses nothing
    prev = read_eaf(tmp_path / "hand.eaf", fps=30.0, tier_coders={"Carla": "carla"})
    (ev,) = prev.accept()
    # 345 ms lies in frame 10 (334..366); 1010 ms in frame 30 (1000..1033): the event ends with frame 30
    assert (ev.onset, ev.apex, ev.offset) == (10, 20, 30)
    assert ev.coder == "carla" and ev.emotion == "surprise" and ev.source == "imported"
    assert any("no apex" in n for n in prev.notes)
    with pytest.raises(InputError, match="no tier 'Nobody'"):
        read_eaf(tmp_path / "hand.eaf", fps=30.0, tier_coders={"Nobody": "x"})


def _one_annotation(path: Path, start: int, end: int, props: str = "") -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" '
        f'FORMAT="3.0" VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">{props}</HEADER><TIME_ORDER>'
        f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{start}"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{end}"/>'
        '</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="Carla"><ANNOTATION><ALIGNABLE_ANNOTATION '
        'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>surprise</ANNOTATION_VALUE>'
        '</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>')
    return path


def _frames(path: Path) -> tuple[int, int]:
    (ev,) = read_eaf(path, fps=30.0, tier_coders={"Carla": "carla"}).accept()
    return ev.onset, ev.offset


def test_frames_snapped_in_elan_read_back_as_the_coder_saw_them(tmp_path):
    """At 30 fps ELAN snaps an annotation of frames 1-6 to [34, 234) ms (frame k starts at ceil(k * 33.33)); 33 ms
    is still frame 0 there. The half-up rule read 234 as a boundary of frame 7 (and 33 as frame 1)."""
    assert _frames(_one_annotation(tmp_path / "a.eaf", 34, 234)) == (1, 6)
    assert _frames(_one_annotation(tmp_path / "b.eaf", 33, 234)) == (0, 6)
    assert _frames(_one_annotation(tmp_path / "c.eaf", 34, 235)) == (1, 7)  # 1 ms into frame 7: it is covered


def test_an_older_merstudio_file_is_read_with_its_half_up_rule(tmp_path):
    old = '<PROPERTY NAME="merstudio:fps">30.0</PROPERTY>'
    assert _frames(_one_annotation(tmp_path / "old.eaf", 33, 233, old)) == (1, 6)
    new = old + '<PROPERTY NAME="merstudio:frame_rule">ceil</PROPERTY>'
    assert _frames(_one_annotation(tmp_path / "new.eaf", 34, 234, new)) == (1, 6)
    bad = old + '<PROPERTY NAME="merstudio:frame_rule">floor</PROPERTY>'
    with pytest.raises(InputError, match="unknown merstudio:frame_rule property 'floor'"):
        read_eaf(_one_annotation(tmp_path / "bad.eaf", 34, 234, bad), fps=30.0)


def _mangle(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))
    return path


@pytest.mark.parametrize("old, new, message", [
    ("</ANNOTATION_DOCUMENT>", "", "not valid XML"),
    ("<ANNOTATION_DOCUMENT", "<OTHER_DOCUMENT", "not valid XML"),  # closing tag no longer matches
    ("<TIME_ORDER>", "<TIME_ORDER_X>", "not valid XML"),
])
def test_bad_xml_is_one_clear_line(tmp_path, events, media, old, new, message):
    path = _mangle(write_eaf(events, tmp_path / "c.eaf", media), old, new)
    with pytest.raises(InputError, match=message) as exc:
        read_eaf(path, fps=30.0)
    assert "\n" not in str(exc.value) and str(path) in str(exc.value)


def test_file_level_problems(tmp_path, events, media):
    (tmp_path / "x.eaf").write_text("<?xml version='1.0'?><TEI/>")
    with pytest.raises(InputError, match="not an ELAN file"):
        read_eaf(tmp_path / "x.eaf", fps=30.0)
    path = write_eaf(events, tmp_path / "c.eaf", media)
    root = ET.parse(path)
    root.getroot().remove(root.getroot().find("TIME_ORDER"))
    root.write(tmp_path / "noslots.eaf")
    with pytest.raises(InputError, match="no TIME_ORDER"):
        read_eaf(tmp_path / "noslots.eaf", fps=30.0)
    with pytest.raises(InputError, match="ELAN file not found"):
        read_eaf(tmp_path / "missing.eaf", fps=30.0)
    with pytest.raises(InputError, match="frame rate is unknown"):
        read_eaf(_mangle(tmp_path / "c.eaf", '<PROPERTY NAME="merstudio:fps">30.0</PROPERTY>', ""))


@pytest.mark.parametrize("old, new, reason", [
    ('TIME_SLOT_REF2="ts', 'TIME_SLOT_REF2="zz', "missing from TIME_ORDER"),
    ('TIME_SLOT_ID="ts2" TIME_VALUE="34"', 'TIME_SLOT_ID="ts2"', "unaligned"),
    ('TIER_ID="bob/event"', 'TIER_ID="Bob codes"', "unknown tier"),
    ("confidence=0.8;", "confidence=high;", "bad confidence 'high'"),  # (a bad AU text keeps its event now)
])
def test_bad_annotations_are_previewed_and_nothing_is_imported(tmp_path, events, project, old, new, reason):
    vid = project.videos()[0].id
    evs = sample_events(vid)
    path = _mangle(write_eaf(evs, tmp_path / "c.eaf", Media.from_video(project.video(vid))), old, new)
    prev = preview_import(project, path, vid)
    assert any(reason in str(s) for s in prev.skipped), prev.skipped
    assert 0 < len(prev.events) < len(evs)
    assert "skip" in prev.summary()
    with pytest.raises(InputError, match="nothing imported") as exc:
        commit_import(project, prev)
    assert "\n" not in str(exc.value)
    assert project.events(vid) == []  # all or nothing
    added = commit_import(project, prev, skip_bad=True)  # the caller confirmed what is skipped
    assert len(added) == len(prev.events) == len(project.events(vid))


def test_frame_rate_mismatch_needs_an_override(tmp_path, events):
    path = write_eaf(events, tmp_path / "c.eaf", Media("clip.mp4", fps=25.0))
    with pytest.raises(InputError, match="25 fps in the file differs from the video's 30 fps"):
        read_eaf(path, fps=30.0)
    prev = read_eaf(path, fps=30.0, fps_override=True)
    assert prev.fps == 30.0 and "overridden" in prev.notes[0]
    happy = next(e for e in prev.events if e.emotion == "happiness")
    assert (happy.onset, happy.offset) == (12, 37)  # 400..1240 ms read at 30 fps


def test_project_import_checks_the_video_length_and_registers_coders(tmp_path, project):
    vid = project.videos()[0].id
    evs = [*sample_events(vid), Event(vid, 100, 101, 120, emotion="past", coder="zoe")]
    path = write_eaf(evs, tmp_path / "c.eaf", Media("clip.mp4", fps=30.0))
    prev = preview_import(project, path, vid)
    assert len(prev.skipped) == 1 and "starts past the end" in str(prev.skipped[0])
    commit_import(project, prev, skip_bad=True)
    assert canon(e for e in project.events(vid)) == canon(sample_events(vid))
    assert set(project.coders()) >= {"alice", "bob", "lab/coder 2"}


def test_export_refuses_rates_above_1000_fps(tmp_path, events):
    with pytest.raises(InputError, match="above 1000 fps"):
        write_eaf(events, tmp_path / "c.eaf", Media("clip.mp4", fps=2000.0))
    assert not (tmp_path / "c.eaf").exists()

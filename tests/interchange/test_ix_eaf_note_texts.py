"""The texts an ELAN import's notes and skipped items say: each a clear sentence that names a file once (an
.ecv that cannot be read, a media descriptor without a URL, an annotation without a time slot reference), and
an entry's id, not an empty emotion, where a vocabulary that is not here leaves a stored-empty value."""

from __future__ import annotations

from pathlib import Path

from support.elan_files import ecv_eaf

from merstudio.interchange import commit_import, preview_import, read_eaf

HAPPY_ECV = """<?xml version="1.0" encoding="UTF-8"?><CV_RESOURCE><CONTROLLED_VOCABULARY CV_ID="Emotions">
<CV_ENTRY_ML CVE_ID="cveid_1"><CVE_VALUE LANG_REF="eng">happiness</CVE_VALUE></CV_ENTRY_ML>
<CV_ENTRY_ML CVE_ID="cveid_2"><CVE_VALUE LANG_REF="eng">surprise</CVE_VALUE></CV_ENTRY_ML>
</CONTROLLED_VOCABULARY></CV_RESOURCE>"""


def _notes(path: Path) -> list[str]:
    prev = read_eaf(path, fps=25.0, tier_coders={"Emotion": "alice"}, tier_roles={"Emotion": "emotion"})
    return [n for n in prev.notes if "external vocabulary" in n]


def test_an_unreadable_ecv_is_named_once(tmp_path):
    (tmp_path / "bad.ecv").write_text("<CV_RESOURCE><oops></CV_RESOURCE>", encoding="utf-8")
    (note,) = _notes(ecv_eaf(tmp_path / "x.eaf", "bad.ecv"))
    assert note.count("bad.ecv") == 1, note
    assert note.startswith("x.eaf: controlled vocabulary 'Emotions': its external vocabulary 'bad.ecv' is not "
                           "valid XML (mismatched tag: line 1, column 21); its annotations keep"), note
    (tmp_path / "doc.ecv").write_text("<?xml version='1.0'?><ANNOTATION_DOCUMENT/>", encoding="utf-8")
    (note,) = _notes(ecv_eaf(tmp_path / "y.eaf", "doc.ecv"))
    assert note.count("doc.ecv") == 1, note
    assert ("its external vocabulary 'doc.ecv' is no .ecv file (its root element is <ANNOTATION_DOCUMENT>, not "
            "<CV_RESOURCE>);") in note


def test_an_ecv_read_beside_the_file_says_so(tmp_path):
    """Where the URL is another machine's, the file read is the one of that name beside the .eaf: both named,
    each once."""
    (tmp_path / "emotions.ecv").write_text("<CV_RESOURCE>", encoding="utf-8")
    (note,) = _notes(ecv_eaf(tmp_path / "w.eaf", "file:///C:/Users/lab/emotions.ecv"))
    assert ("its external vocabulary 'file:///C:/Users/lab/emotions.ecv', read from the 'emotions.ecv' beside the "
            "file, is not valid XML") in note, note


def test_a_descriptor_without_url_and_an_annotation_without_slot(tmp_path):
    text = ecv_eaf(tmp_path / "m.eaf", "none.ecv").read_text(encoding="utf-8")
    text = text.replace('<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>',
                        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MIME_TYPE="video/mp4"/>'
                        "</HEADER>")
    text = text.replace('TIME_SLOT_REF1="ts3" ', "").replace('TIME_SLOT_REF2="ts2"', "")
    (tmp_path / "m.eaf").write_text(text, encoding="utf-8")
    prev = read_eaf(tmp_path / "m.eaf", fps=25.0, tier_coders={"Emotion": "alice"},
                    tier_roles={"Emotion": "emotion"})
    assert "m.eaf: the video's media descriptor names no media file (it has no MEDIA_URL)" in prev.notes
    assert not any("characters ignored" in n for n in prev.notes)
    assert [(s.where, s.reason) for s in prev.skipped] == [
        ("m.eaf: tier 'Emotion', annotation a1", "has no end time (its TIME_SLOT_REF2 is missing)"),
        ("m.eaf: tier 'Emotion', annotation a2", "has no start time (its TIME_SLOT_REF1 is missing)")]


def test_a_corrected_file_without_its_ecv_does_not_blank_the_emotion(tmp_path, project):
    """Imported with its .ecv, then again (corrected, Replace) where the .ecv is not: the events read the entry's
    id (an emotion the coder sees and fixes), not an empty emotion, and a note counts them."""
    vid = project.videos()[0].id
    (tmp_path / "cv").mkdir()
    (tmp_path / "cv" / "emotions.ecv").write_text(HAPPY_ECV, encoding="utf-8")
    maps = {"tier_coders": {"Emotion": "alice"}, "tier_roles": {"Emotion": "emotion"}}
    first = preview_import(project, ecv_eaf(tmp_path / "v1.eaf", "cv/emotions.ecv"), vid, **maps)
    commit_import(project, first, skip_bad=True)
    assert sorted(e.emotion for e in project.events(vid)) == ["happiness", "surprise"]
    again = preview_import(project, ecv_eaf(tmp_path / "v2.eaf", "gone/emotions.ecv"), vid, replace=True, **maps)
    commit_import(project, again, skip_bad=True)
    assert sorted(e.emotion for e in project.events(vid)) == ["cveid_1", "surprised"]
    assert any(n == "v2.eaf: 1 annotation(s) of tier(s) Emotion store no value and their vocabulary gives none for "
               "their entry: read as the entry's id (CVE_REF), for the coder to correct" for n in again.notes)

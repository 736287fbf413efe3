"""External ELAN controlled vocabularies: a CV whose entries are in an .ecv file (CONTROLLED_VOCABULARY EXT_REF ->
EXTERNAL_REF TYPE="ecv") is read from the local file, by a relative path or a file: URL (or the file of that name
beside the .eaf); a remote one is never fetched: a note, and the stored values stay."""

from __future__ import annotations

from pathlib import Path

from support.elan_files import ecv_eaf

from merstudio.interchange import read_eaf
from merstudio.interchange.eaf import foreign_tiers

ECV = """<?xml version="1.0" encoding="UTF-8"?>
<CV_RESOURCE AUTHOR="lab" DATE="2026-01-01T00:00:00+00:00" VERSION="0.2">
    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138580-001" LANG_ID="nld" LANG_LABEL="Dutch (nld)"/>
    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138502-001" LANG_ID="eng" LANG_LABEL="English (eng)"/>
    <CONTROLLED_VOCABULARY CV_ID="Other">
        <CV_ENTRY_ML CVE_ID="cveid_o1"><CVE_VALUE LANG_REF="eng">nothing</CVE_VALUE></CV_ENTRY_ML>
    </CONTROLLED_VOCABULARY>
    <CONTROLLED_VOCABULARY CV_ID="Emotions">
        <DESCRIPTION LANG_REF="eng">emotion labels of the lab</DESCRIPTION>
        <CV_ENTRY_ML CVE_ID="cveid_1">
            <CVE_VALUE DESCRIPTION="" LANG_REF="nld">blijdschap</CVE_VALUE>
            <CVE_VALUE DESCRIPTION="" LANG_REF="eng">happiness</CVE_VALUE>
        </CV_ENTRY_ML>
        <CV_ENTRY_ML CVE_ID="cveid_2">
            <CVE_VALUE DESCRIPTION="" LANG_REF="nld">verrassing</CVE_VALUE>
            <CVE_VALUE DESCRIPTION="" LANG_REF="eng">surprise</CVE_VALUE>
        </CV_ENTRY_ML>
    </CONTROLLED_VOCABULARY>
</CV_RESOURCE>
"""


def _emotions(path: Path):
    prev = read_eaf(path, fps=25.0, tier_coders={"Emotion": "alice"}, tier_roles={"Emotion": "emotion"})
    return [e.emotion for e in prev.accept()], prev.notes


def test_a_local_ecv_gives_the_values(tmp_path):
    (tmp_path / "cv").mkdir()
    (tmp_path / "cv" / "emotions.ecv").write_text(ECV, encoding="utf-8")
    # a relative path from the .eaf's folder: the entries' values, in the .eaf's language (English), not the
    # .ecv's first (Dutch)
    emotions, notes = _emotions(ecv_eaf(tmp_path / "rel.eaf", "cv/emotions.ecv"))
    assert emotions == ["happiness", "surprise"] and not any("vocabulary" in n for n in notes)
    # a file: URL as ELAN writes it (file:/path) and with an empty host (file:///path)
    ecv = (tmp_path / "cv" / "emotions.ecv").resolve()
    assert _emotions(ecv_eaf(tmp_path / "url.eaf", ecv.as_uri()))[0] == ["happiness", "surprise"]
    assert _emotions(ecv_eaf(tmp_path / "url1.eaf", f"file:{ecv.as_posix()}"))[0] == ["happiness", "surprise"]
    # the Map ELAN tiers dialog shows the values too
    (tier,) = foreign_tiers(tmp_path / "rel.eaf").tiers
    assert tier.samples == ("happiness", "surprise")


def test_an_ecv_of_another_machine_is_read_beside_the_file(tmp_path):
    (tmp_path / "emotions.ecv").write_text(ECV, encoding="utf-8")
    emotions, _ = _emotions(ecv_eaf(tmp_path / "win.eaf", "file:///C:/Users/lab/ELAN/emotions.ecv"))
    assert emotions == ["happiness", "surprise"]


def test_a_remote_or_missing_vocabulary_keeps_the_stored_values(tmp_path):
    """The stored value where the file stores one; the entry's id where it stores none (an emotion the coder sees
    and fixes, never a silently empty one), and a note that counts them."""
    emotions, notes = _emotions(ecv_eaf(tmp_path / "remote.eaf", "http://example.org/cv/emotions.ecv"))
    assert emotions == ["cveid_1", "surprised"]
    (note,) = [n for n in notes if "vocabulary" in n and "external" in n]
    assert "'Emotions'" in note and "is remote (not fetched)" in note and "\n" not in note
    assert "the entry's id where one stores none" in note
    assert any("1 annotation(s) of tier(s) Emotion store no value" in n and "entry's id" in n for n in notes)
    emotions, notes = _emotions(ecv_eaf(tmp_path / "gone.eaf", "file:///nowhere/emotions.ecv"))
    assert emotions == ["cveid_1", "surprised"] and any("is not here" in n for n in notes)
    (tmp_path / "bad.ecv").write_text("<CV_RESOURCE>", encoding="utf-8")
    emotions, notes = _emotions(ecv_eaf(tmp_path / "bad.eaf", "bad.ecv"))
    assert emotions == ["cveid_1", "surprised"] and any("'bad.ecv' is not valid XML" in n for n in notes)
    # a URL that cannot be parsed is one more vocabulary not here, not a traceback
    emotions, notes = _emotions(ecv_eaf(tmp_path / "odd.eaf", "http://[vocab.example/emotions.ecv"))
    assert emotions == ["cveid_1", "surprised"] and any("vocabulary" in n for n in notes)


def test_a_vocabulary_in_the_file_gives_the_files_first_language(tmp_path):
    """As for an .ecv: the entry's value in the .eaf's language (English), though the entry lists Dutch first."""
    inline = ECV.split("<CONTROLLED_VOCABULARY CV_ID=\"Emotions\">")[1].split("</CONTROLLED_VOCABULARY>")[0]
    text = ecv_eaf(tmp_path / "in.eaf", "unused.ecv").read_text(encoding="utf-8")
    text = text.replace('<CONTROLLED_VOCABULARY CV_ID="Emotions" EXT_REF="er1"/>',
                        f'<CONTROLLED_VOCABULARY CV_ID="Emotions">{inline}</CONTROLLED_VOCABULARY>')
    (tmp_path / "in.eaf").write_text(text, encoding="utf-8")
    assert _emotions(tmp_path / "in.eaf")[0] == ["happiness", "surprise"]  # the entries list Dutch first


def test_an_ecv_url_written_as_the_path_is_keeps_its_hash_and_percent(tmp_path):
    """ELAN writes the path as it is, unencoded: "P#07 100% cv.ecv" (a # was read as a URL fragment, the name cut
    to "P"); a validly encoded one (as Path.as_uri writes) is still decoded."""
    folder = tmp_path / "lab #2"
    folder.mkdir()
    (folder / "P#07 100% cv.ecv").write_text(ECV, encoding="utf-8")
    raw = (folder / "P#07 100% cv.ecv").resolve().as_posix()
    assert _emotions(ecv_eaf(tmp_path / "abs.eaf", f"file://{raw}"))[0] == ["happiness", "surprise"]
    assert _emotions(ecv_eaf(tmp_path / "rel.eaf", "lab #2/P#07 100% cv.ecv"))[0] == ["happiness", "surprise"]
    encoded = (folder / "P#07 100% cv.ecv").resolve().as_uri()
    assert "%23" in encoded and _emotions(ecv_eaf(tmp_path / "enc.eaf", encoded))[0] == ["happiness", "surprise"]

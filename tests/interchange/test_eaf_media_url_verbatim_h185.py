"""ELAN -> ELAN keeps the media URLs the coder's file gave (audit a90 finding 7): eopas's elan5.eaf (ELAN 2.7, a
Windows path percent-encoded, ``RELATIVE_MEDIA_URL="file://./....WAV"``) came back percent-decoded
(``Stefan,Schnell``, ``Vera'a``), another path for ELAN, and without its relative URL."""

from __future__ import annotations

from support.elan_files import media_descriptors, one_event_eaf

from merstudio.cli.main import main

URL = ("file:///C:/Users/Stefan%2CSchnell/Desktop/DoBeS%2CData%2CApr%2C2012/Vera%27a%2CData_audio%26video_annotations/"
       "VRA_Stories/VVSSA19JUN0701-HHAK/VVSSA19JUN0701-HHAK.WAV")
REL = "file://./VVSSA19JUN0701-HHAK.WAV"


def test_eaf_to_eaf_keeps_media_url_and_relative_url_verbatim(tmp_path):
    (tmp_path / "src").mkdir()
    src = one_event_eaf(tmp_path / "src" / "elan5.eaf",
                        f'<MEDIA_DESCRIPTOR MEDIA_URL="{URL}" MIME_TYPE="audio/x-wav" RELATIVE_MEDIA_URL="{REL}"/>')
    for out in (tmp_path / "src" / "beside.eaf", tmp_path / "elsewhere" / "out.eaf"):
        assert main(["convert", str(src), str(out), "--fps", "25", "--yes"]) == 0
        (md,) = media_descriptors(out)
        # the URL ELAN wrote, not re-derived from the decoded path; the relative URL names the media beside the
        # .eaf, which means the same wherever the new file is written
        assert md == {"MEDIA_URL": URL, "MIME_TYPE": "audio/x-wav", "RELATIVE_MEDIA_URL": REL}

"""An ELAN file with one tier per participant (audit a90, finding 3), in the layout of real files such as neocl/speach
``test/data/test2.eaf`` (tiers with ANNOTATOR and PARTICIPANT): the Mother's emotion and the Infant's AUs, both by
coder zoe, the AU annotation lying inside the emotion annotation."""

from __future__ import annotations

from pathlib import Path


def participant_eaf(path: Path, apex_tier: bool = False) -> Path:
    """Emotion_Mother (PARTICIPANT Mother) "happiness" 1000-1500 ms and AU_Infant (PARTICIPANT Infant) "AU4+AU15"
    1100-1400 ms; ``apex_tier``: also Apex_Mother (PARTICIPANT Mother), an apex at 1200 ms."""
    apex = ('<TIER ANNOTATOR="zoe" LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Mother" TIER_ID="Apex_Mother">'
            '<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6">'
            "<ANNOTATION_VALUE>apex</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
            if apex_tier else "")
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-03-01T10:00:00+01:00" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/Users/lab/Videos/dyad.mp4" MIME_TYPE="video/mp4"/>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1500"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1100"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="1400"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="1200"/>
        <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="1240"/>
    </TIME_ORDER>
    <TIER ANNOTATOR="zoe" LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Mother" TIER_ID="Emotion_Mother">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>happiness</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER ANNOTATOR="zoe" LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Infant" TIER_ID="AU_Infant">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>AU4+AU15</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    {apex}
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
""", encoding="utf-8")
    return path


MAPPED = {"Emotion_Mother": "zoe", "AU_Infant": "zoe"}
ROLES = {"Emotion_Mother": "emotion", "AU_Infant": "aus"}


# a tier naming no participant (speach test2.eaf's `marker`), "surprise" over the Mother's emotion's span
_MARKER = ('<TIER ANNOTATOR="zoe" LINGUISTIC_TYPE_REF="default-lt" TIER_ID="marker"><ANNOTATION>'
           '<ALIGNABLE_ANNOTATION ANNOTATION_ID="m1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">'
           "<ANNOTATION_VALUE>surprise</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>")


def with_marker_tier(tmp_path: Path) -> Path:
    """participant_eaf's file (tmp_path / "dyad.eaf") with a tier `marker` that names no participant."""
    src = participant_eaf(tmp_path / "dyad.eaf")
    src.write_text(src.read_text(encoding="utf-8").replace("<LINGUISTIC_TYPE ", _MARKER + "\n    <LINGUISTIC_TYPE ",
                                                           1), encoding="utf-8")
    return src

"""The FACS layout of an ELAN 6 file with the apex on tiers of its own (the a46 auditor's elan6_facs.eaf, times
chosen for hand arithmetic), shared by the interchange and GUI tests of the ``apex`` tier kind."""

from __future__ import annotations

from pathlib import Path


def facs_apex_eaf(path: Path, phase_slots: tuple[str, str] = ('TIME_VALUE="1000"', 'TIME_VALUE="1500"'),
              apex_end: int = 700) -> Path:
    """As ELAN 6 writes the FACS layout (cf. the a46 auditor's elan6_facs.eaf): "Ausdruck" a1 567-2400 ms and a10
    100-334 ms "ME"; "AU" and "Émotion" Symbolic_Association children (Freude / Ärger from a CV); "Phase"
    (Time_Subdivision) onset / apex / offset parts of a1 (567-1000-1500-2400, or unaligned middle slots with
    ``phase_slots`` empty) and of a10 (100-167-234-334); "Apex" (Included_In) one annotation 667-``apex_end`` ms
    inside a1."""
    s1, s2 = phase_slots
    path.write_text(f'''<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2025-03-12T14:22:31+01:00" FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/study/smile_man.mp4" MIME_TYPE="video/mp4" RELATIVE_MEDIA_URL="./smile_man.mp4"/>
        <PROPERTY NAME="lastUsedAnnotationId">20</PROPERTY>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="567"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" {s1}/>
        <TIME_SLOT TIME_SLOT_ID="ts3" {s2}/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="2400"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="667"/>
        <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="{apex_end}"/>
        <TIME_SLOT TIME_SLOT_ID="ts7" TIME_VALUE="100"/>
        <TIME_SLOT TIME_SLOT_ID="ts8" TIME_VALUE="334"/>
        <TIME_SLOT TIME_SLOT_ID="ts9" TIME_VALUE="167"/>
        <TIME_SLOT TIME_SLOT_ID="ts10" TIME_VALUE="234"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="P01" ANNOTATOR="Zoë Müller" TIER_ID="Ausdruck">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>ME</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a10" TIME_SLOT_REF1="ts7" TIME_SLOT_REF2="ts8"><ANNOTATION_VALUE>ME</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="AU-lt" PARENT_REF="Ausdruck" ANNOTATOR="Zoë Müller" TIER_ID="AU">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a2" ANNOTATION_REF="a1"><ANNOTATION_VALUE>AU6+AU12+AU25</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a11" ANNOTATION_REF="a10"><ANNOTATION_VALUE>AU4</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="Emotion-lt" PARENT_REF="Ausdruck" ANNOTATOR="Zoë Müller" TIER_ID="Émotion">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a3" ANNOTATION_REF="a1" CVE_REF="cveid_happy"><ANNOTATION_VALUE>Freude</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a12" ANNOTATION_REF="a10" CVE_REF="cveid_anger"><ANNOTATION_VALUE>Ärger</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="Phase-lt" PARENT_REF="Ausdruck" ANNOTATOR="Zoë Müller" TIER_ID="Phase">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>onset</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a5" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3"><ANNOTATION_VALUE>apex</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a6" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>offset</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a13" TIME_SLOT_REF1="ts7" TIME_SLOT_REF2="ts9"><ANNOTATION_VALUE>onset</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a14" TIME_SLOT_REF1="ts9" TIME_SLOT_REF2="ts10"><ANNOTATION_VALUE>Apex</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a15" TIME_SLOT_REF1="ts10" TIME_SLOT_REF2="ts8"><ANNOTATION_VALUE>offset</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="Apex-lt" PARENT_REF="Ausdruck" ANNOTATOR="Zoë Müller" TIER_ID="Apex">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a7" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6"><ANNOTATION_VALUE>apex</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="AU-lt" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY_REF="Emotionen" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Emotion-lt" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Phase-lt" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Included_In" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Apex-lt" TIME_ALIGNABLE="true"/>
    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138580-001" LANG_ID="deu" LANG_LABEL="German (deu)"/>
    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation's time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>
    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>
    <CONSTRAINT DESCRIPTION="Time alignable annotations within the parent annotation's time interval, gaps are allowed" STEREOTYPE="Included_In"/>
    <CONTROLLED_VOCABULARY CV_ID="Emotionen">
        <CV_ENTRY_ML CVE_ID="cveid_happy"><CVE_VALUE DESCRIPTION="" LANG_REF="deu">Freude</CVE_VALUE></CV_ENTRY_ML>
        <CV_ENTRY_ML CVE_ID="cveid_anger"><CVE_VALUE DESCRIPTION="" LANG_REF="deu">Ärger</CVE_VALUE></CV_ENTRY_ML>
    </CONTROLLED_VOCABULARY>
</ANNOTATION_DOCUMENT>
''', encoding="utf-8")
    return path

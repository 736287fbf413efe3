"""ELAN files the interchange and GUI tests share, written as ELAN writes them, and what a written one says of its
media."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path


def facs_eaf(path: Path, subdivided: bool = False, second: tuple[int, int] = (3000, 3300)) -> Path:
    """As ELAN 3.0 writes it (30 fps): Expression a1 1000-1400 ms "ME", a2 3000-3300 ms "ME"; AU (Symbolic_
    Association) "AU6+AU12" on a1, "R14" on a2; Emotion (Symbolic_Association, CV "emotions", ELAN 2.8+
    CV_ENTRY_ML) "happiness" on a1 and, on a2, an empty stored value with CVE_REF c2 ("contempt"). ``subdivided``:
    the AU tier is Symbolic_Subdivision instead, a1's AUs in two ordered parts (AU12 written first, AU6 before it by
    PREVIOUS_ANNOTATION). ``second``: a2's times (ms)."""
    if subdivided:
        au = ('<TIER LINGUISTIC_TYPE_REF="sub" PARENT_REF="Expression" TIER_ID="AU" ANNOTATOR="alice">'
              '<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a8" ANNOTATION_REF="a1" PREVIOUS_ANNOTATION="a3">'
              '<ANNOTATION_VALUE>AU12</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>'
              '<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a3" ANNOTATION_REF="a1">'
              '<ANNOTATION_VALUE>AU6</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>')
    else:
        au = ('<TIER LINGUISTIC_TYPE_REF="assoc" PARENT_REF="Expression" TIER_ID="AU" ANNOTATOR="alice">'
              '<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a3" ANNOTATION_REF="a1">'
              '<ANNOTATION_VALUE>AU6+AU12</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>')
    path.write_text(f'''<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="alice" DATE="2026-12-05T10:00:00+01:00" FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <PROPERTY NAME="lastUsedAnnotationId">8</PROPERTY>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1400"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="{second[0]}"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="{second[1]}"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="seg" TIER_ID="Expression" ANNOTATOR="alice">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
                <ANNOTATION_VALUE>ME</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
                <ANNOTATION_VALUE>ME</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    {au}
        <ANNOTATION>
            <REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a2">
                <ANNOTATION_VALUE>R14</ANNOTATION_VALUE>
            </REF_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="emo" PARENT_REF="Expression" TIER_ID="Emotion" ANNOTATOR="alice">
        <ANNOTATION>
            <REF_ANNOTATION ANNOTATION_ID="a5" ANNOTATION_REF="a1" CVE_REF="c1">
                <ANNOTATION_VALUE>happiness</ANNOTATION_VALUE>
            </REF_ANNOTATION>
        </ANNOTATION>
        <ANNOTATION>
            <REF_ANNOTATION ANNOTATION_ID="a6" ANNOTATION_REF="a2" CVE_REF="c2">
                <ANNOTATION_VALUE></ANNOTATION_VALUE>
            </REF_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="seg" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="assoc" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="sub" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY_REF="emotions" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="emo" TIME_ALIGNABLE="false"/>
    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00130975-001" LANG_ID="und" LANG_LABEL="undetermined (und)"/>
    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation's time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>
    <CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>
    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>
    <CONSTRAINT DESCRIPTION="Time alignable annotations within the parent annotation's time interval, gaps are allowed" STEREOTYPE="Included_In"/>
    <CONTROLLED_VOCABULARY CV_ID="emotions">
        <DESCRIPTION LANG_REF="und"/>
        <CV_ENTRY_ML CVE_ID="c1">
            <CVE_VALUE DESCRIPTION="" LANG_REF="und">happiness</CVE_VALUE>
        </CV_ENTRY_ML>
        <CV_ENTRY_ML CVE_ID="c2">
            <CVE_VALUE DESCRIPTION="" LANG_REF="und">contempt</CVE_VALUE>
        </CV_ENTRY_ML>
    </CONTROLLED_VOCABULARY>
</ANNOTATION_DOCUMENT>
''', encoding="utf-8")
    return path


def tier_values_eaf(path: Path, tiers: dict[str, tuple[str, ...]], author: str = "") -> Path:
    """An ELAN file with just these tiers (another tool's names), each value an annotation over 0-1000 ms; AUTHOR
    `author`."""
    body = "".join(
        f'<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="{t}">' + "".join(
            f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i}_{j}" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">'
            f"<ANNOTATION_VALUE>{v}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>"
            for j, v in enumerate(vals)) + "</TIER>" for i, (t, vals) in enumerate(tiers.items()))
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="{author}" FORMAT="3.0" '
                    'VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>'
                    '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1000"/>'
                    f'</TIME_ORDER>{body}<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>'
                    "</ANNOTATION_DOCUMENT>", encoding="utf-8")
    return path


def one_event_eaf(path: Path, descriptors: str, times: tuple[int, int] = (100, 500), value: str = "happiness") -> Path:
    """As ELAN 6 writes it: the HEADER's media `descriptors` (MEDIA_DESCRIPTOR elements, their URLs as the path is,
    no percent-encoding) and one annotation `value` on the tier zoe/event at `times` (ms)."""
    path.write_text(f'''<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+01:00" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        {descriptors}
        <PROPERTY NAME="lastUsedAnnotationId">1</PROPERTY>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{times[0]}"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{times[1]}"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="zoe/event">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
                <ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
''', encoding="utf-8")
    return path


def timed_eaf(path: Path, annotations: Sequence[tuple[int, int, str]], descriptors: str = "",
              tier: str = "carol/event") -> Path:
    """An ELAN file whose HEADER holds the media `descriptors` (MEDIA_DESCRIPTOR elements, "" for none) and whose
    tier `tier` has one annotation of each (start ms, end ms, value) of `annotations`."""
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="ts{2 * i + 1}" TIME_VALUE="{a}"/>'
                    f'<TIME_SLOT TIME_SLOT_ID="ts{2 * i + 2}" TIME_VALUE="{b}"/>'
                    for i, (a, b, _) in enumerate(annotations))
    anns = "".join(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i + 1}" TIME_SLOT_REF1="ts{2 * i + 1}" '
                   f'TIME_SLOT_REF2="ts{2 * i + 2}"><ANNOTATION_VALUE>{v}</ANNOTATION_VALUE>'
                   "</ALIGNABLE_ANNOTATION></ANNOTATION>" for i, (_, _, v) in enumerate(annotations))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">'
                    f'<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">{descriptors}</HEADER>'
                    f'<TIME_ORDER>{slots}</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="{tier}">{anns}</TIER>'
                    '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>',
                    encoding="utf-8")
    return path


def spans_eaf(path: Path, descriptors: str, spans: Sequence[tuple[int, int]], tier: str = "carol/event",
              value: str = "happiness | 6+12") -> Path:
    """timed_eaf with the one annotation `value` over each (start, end) ms of `spans`."""
    return timed_eaf(path, [(a, b, value) for a, b in spans], descriptors, tier)


def ecv_eaf(path: Path, url: str) -> Path:
    """An ELAN 6 file: an "Emotion" tier whose type uses the external CV "Emotions"; the first annotation stores no
    value (only its entry), the second a stale one."""
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="400"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="800"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="1200"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="emo" TIER_ID="Emotion">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" CVE_REF="cveid_1"
            TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
            <ANNOTATION_VALUE></ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" CVE_REF="cveid_2"
            TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
            <ANNOTATION_VALUE>surprised</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE CONTROLLED_VOCABULARY_REF="Emotions" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="emo"
                     TIME_ALIGNABLE="true"/>
    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138502-001" LANG_ID="eng" LANG_LABEL="English (eng)"/>
    <CONTROLLED_VOCABULARY CV_ID="Emotions" EXT_REF="er1"/>
    <EXTERNAL_REF EXT_REF_ID="er1" TYPE="ecv" VALUE="{url}"/>
</ANNOTATION_DOCUMENT>
""", encoding="utf-8")
    return path


def media_descriptors(path: Path) -> list[dict[str, str]]:
    """The attributes of each MEDIA_DESCRIPTOR of the ELAN file at `path`, in file order (read by ElementTree)."""
    return [dict(md.attrib) for md in ET.parse(path).getroot().iter("MEDIA_DESCRIPTOR")]

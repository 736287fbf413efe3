"""A time slot or media offset of 10^23 ms (a damaged or hand-edited file) is refused in one line; it was read as
an event at frame 3e21."""

from __future__ import annotations

import pytest

from merstudio.errors import InputError
from merstudio.interchange import read_eaf


def _eaf(path, value: str = "1400", origin: str = "0"):
    path.write_text(f'''<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
<MEDIA_DESCRIPTOR MEDIA_URL="file:///x/clip.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="{origin}"/></HEADER>
<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{value}"/>
</TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="dana/event"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1"
TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>happiness | 12</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>
</ANNOTATION></TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>''',
                    encoding="utf-8")
    return path


def test_a_sane_file_reads(tmp_path):
    (ev,) = read_eaf(_eaf(tmp_path / "ok.eaf", origin="86400000"), fps=30.0).accept()  # a day into the video: fine
    assert ev.emotion == "happiness"


@pytest.mark.parametrize("value,origin,what", [("99999999999999999999999999", "0", "TIME_VALUE"),
                                               ("1400", "99999999999999999999999", "TIME_ORIGIN")])
def test_an_absurd_time_is_refused_in_one_line(tmp_path, value, origin, what):
    with pytest.raises(InputError, match=f"{what}.*longer than any recording") as info:
        read_eaf(_eaf(tmp_path / "bad.eaf", value, origin), fps=30.0)
    assert "\n" not in str(info.value)

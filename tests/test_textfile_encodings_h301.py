"""merstudio.textfile: a table that is not UTF-8 is read as Windows-1252 only where that reads as Latin text, and
says so; any other (GBK, Shift-JIS, a UTF-8 file with one stray byte) is one line naming the file, the line and the
byte (h301, audit a111 finding 2: all were read as Latin-1 without a word, as mojibake); a name whose bytes are no
UTF-8 is shown escaped (shown_name)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from merstudio.errors import InputError
from merstudio.textfile import decode_table, read_table_text, shown_name, table_notes

HEADER = "onset,apex,offset,emotion,aus,coder,note\n"

# what coders in Western Europe and the Americas type, as Excel's "CSV" on Windows saves it
LATIN = [
    "10;12;15;Freude;12;Zoë Müller;Lächeln – kurz „echt“ €\n30;32;36;Ärger;4;Jürgen;Stirn runzeln…\n",
    "10,12,15,joie,12,Hélène,« À bientôt » dit-elle, l’été, cœur\n",
    "10,12,15,sorpresa,1+2,Begoña,¿Qué? ¡Sí! año 2º\n",
    "10,12,15,alegria,12,João,ação e emoção, à tarde; 20°C\n",
    "10,12,15,glädje,12,Åsa Öberg,Müßiggang; “quoted” — dash\n",
    "10,12,15,alegria,12,Núria,col·lecció; 5 £, ½ min\n",
    # a no-break space before a unit, as French and German Excel write it (a113)
    "10;12;15;Freude;12;Zoë;coût 5\u00a0€, à 20\u00a0°C\n",
]


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("text", LATIN)
def test_a_windows_1252_table_is_read_right_and_says_so(tmp_path: Path, text: str) -> None:
    p = _file(tmp_path, "excel.csv", (HEADER + text).encode("cp1252"))
    with pytest.warns(UserWarning, match=r"excel\.csv: not UTF-8: read as Windows-1252"):
        assert read_table_text(p, "events CSV") == HEADER + text  # was Latin-1: “ ” – € … as C1 controls
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # collected, not warned
        with table_notes() as said:
            assert decode_table(p, p.read_bytes()) == HEADER + text
            decode_table(p, p.read_bytes())  # read twice: said once
    assert said == ["excel.csv: not UTF-8: read as Windows-1252 (Excel's \"CSV\", Notepad's \"ANSI\" on Windows)"]


def test_utf8_and_utf16_say_nothing(tmp_path: Path) -> None:
    text = HEADER + "10,12,15,高兴,12,王芳,Zoë\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for data in (text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
            assert read_table_text(_file(tmp_path, "t.csv", data), "events CSV") == text


@pytest.mark.parametrize(("codec", "text", "line", "byte"), [
    ("gbk", "10,12,15,高兴,12,王芳,微笑很短\n", 2, "0xB8"),  # was: coder 'Íõ·¼', emotion '¸ßÐË'
    ("gbk", "10,12,15,happy,12,王,x\n", 2, "0xCD"),  # one character: 'Íõ', two accented letters alone
    ("shift_jis", "10,12,15,喜び,12,田中,x\n", 2, "0x8A"),
    ("shift_jis", "10,12,15,happy,12,中,x\n", 2, "0x92"),  # '’†'
    ("cp1254", "10,12,15,mutluluk,12,Ayşe Yılmaz,x\n", 2, "0xFE"),  # Turkish: 'Ayþe Yýlmaz'
    ("cp1250", "10,12,15,radość,12,Paweł,była\n", 2, "0x9C"),  # Polish: 'radoœæ', 'Pawe³', 'by³a'
    ("cp1251", "10,12,15,радость,12,Иван,x\n", 2, "0xF0"),
])
def test_other_code_pages_are_refused_in_one_line(tmp_path: Path, codec: str, text: str, line: int,
                                                  byte: str) -> None:
    p = _file(tmp_path, "coded.csv", (HEADER + text).encode(codec))
    with pytest.raises(InputError) as exc:
        read_table_text(p, "events CSV")
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"{p}: line {line}: byte {byte} is not UTF-8"), msg
    # the code pages people meet, by name: it said "such as GBK or Shift-JIS?" of a Polish or Russian file too
    assert "CSV UTF-8" in msg and "Cyrillic, Greek, Central European, Turkish, Chinese, Japanese?" in msg, msg


def test_a_utf8_file_with_one_stray_byte_is_refused_naming_its_line(tmp_path: Path) -> None:
    """One Windows-1252 'é' in a UTF-8 file made every accent of the file mojibake ('ZoÃ« MÃ¼ller')."""
    data = (HEADER + "10,12,15,Überraschung,1+2,Zoë Müller,x\n30,32,36,Freude,12,王芳,").encode() + b"caf\xe9\n"
    for name, head in (("mixed.csv", b""), ("bom.csv", b"\xef\xbb\xbf")):
        p = _file(tmp_path, name, head + data)
        with pytest.raises(InputError, match=rf"^{p}: line 3: byte 0xE9 is not UTF-8, though the file is UTF-8 "
                                             r"elsewhere: fix that character, or save it as \"CSV UTF-8\""):
            read_table_text(p, "events CSV")
    # a BOM says UTF-8: one bad byte there is refused even where the rest is ASCII
    p = _file(tmp_path, "bom2.csv", b"\xef\xbb\xbf" + HEADER.encode() + b"10,12,15,x,12,caf\xe9,x\n")
    with pytest.raises(InputError, match=r"line 2: byte 0xE9 is not UTF-8"):
        read_table_text(p, "events CSV")


def test_names_of_no_utf8_are_shown_escaped() -> None:
    odd = os.fsdecode(b"/archive/Gespr\xe4ch.mp4")
    assert shown_name(odd) == "/archive/Gespr\\xe4ch.mp4"
    assert shown_name("Zoë 王芳.mp4") == "Zoë 王芳.mp4"
    shown_name(odd).encode("utf-8")  # writable anywhere

"""h261 (a103 #4): the same image under two subject ids (a CASME II table merged with the MEGC composite, which
holds CASME II) leaks between training and test folds, since protocols split by subject: reading the data says so
in one line (how many samples, which subject pairs) and data.md records it."""

from __future__ import annotations

from merstudio.training.data import data_record, load_arrays


def _said(tmp_path, table):
    said: list[str] = []
    data, info = load_arrays(str(table), cache_dir=tmp_path / "cache", log=lambda *a, **k: said.append(" ".join(a)))
    return data, info, [s for s in said if "identical input" in s]


def test_a_sample_under_two_subjects_is_said_and_recorded(tmp_path, flow_table):
    table = flow_table(tmp_path / "t", n=24, n_subjects=4)
    lines = table.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")  # its first sample again, as subject "dup_01"
    lines += [f"dup_01,again0,{first[2]},{first[3]}"]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data, info, said = _said(tmp_path, table)
    assert len(data) == 25  # said, not refused
    assert len(said) == 1 and "\n" not in said[0] and said[0].startswith("warning: 2 samples")
    assert f"{first[0]}=dup_01" in said[0] or f"dup_01={first[0]}" in said[0]
    assert "LOSO" in said[0]
    assert said[0] in data_record(info, len(data))


def test_none_says_nothing(tmp_path, flow_table):
    table = flow_table(tmp_path / "t", n=24, n_subjects=4)
    data, info, said = _said(tmp_path, table)
    assert said == [] and "Identical inputs" not in data_record(info, len(data))

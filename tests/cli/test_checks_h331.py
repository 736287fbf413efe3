"""The training commands' late or missing checks that audit a115 left (h331): an ablation.md of the user's own is
no `merstudio ablate` table."""

from __future__ import annotations

from support.cli_run import run

MISSING = "table:{t}/none.csv"  # data that is never found: what comes before reading it is what is tested


def test_a_users_own_ablation_md_is_not_called_an_ablate_table(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "ablation.md").write_text("# my ablation notes\n", encoding="utf-8")
    code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", out, "-q")
    # not refused as another command's run: train writes no ablation.md, and goes on to read the data
    assert "ablate" not in err and "none.csv" in err, err
    assert (out / "ablation.md").read_text(encoding="utf-8") == "# my ablation notes\n"


def test_an_ablate_table_is_still_named_as_one(tmp_path, capsys):
    for name, text in (("ablation.md", "# Ablation (loso, table:x.csv; same folds and seeds for every variant)\n"),
                       ("ablation.csv", "variant,switched_off,seed,accuracy,uf1,uar,n,folds\nfull,none,0,1,1,1,4,2\n")):
        out = tmp_path / name
        out.mkdir()
        (out / name).write_text(text, encoding="utf-8")
        code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", out, "-q")
        assert code == 3
        assert err.strip() == (f"merstudio: error: --out {out}: holds a `merstudio ablate` table; pick another --out "
                               "(`merstudio train` there would replace its results)")


import json

from support.clips import write_clip

from merstudio.cli.main import main


def test_bench_reports_figures(tmp_path, capsys):
    clip = write_clip(tmp_path / "c.avi", n=40)
    out = tmp_path / "b.json"
    assert main(["bench", "decode", "landmarks", "pipeline", "stages", "--video", str(clip), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "decode only" in text and "end to end" in text and "face landmarks" in text
    fig = json.loads(out.read_text())
    assert fig["decode"]["frames"] == 40 and fig["pipeline"]["frames"] == 40 and fig["landmarks"]["frames"] == 40
    assert fig["decode"]["fps"] > 0 and fig["pipeline"]["fps"] > 0
    assert fig["pipeline"]["steady_fps"] > 0  # the frames after the first, without the start-up
    assert set(fig["stages_ms_per_frame"]) == {"decode", "faces", "hands", "lips", "eyes", "align", "blendshapes+aus",
                                               "micro_motion"}


def test_bench_unknown_name(capsys):
    assert main(["bench", "nonsense"]) == 2
    assert "unknown benchmark" in capsys.readouterr().err

"""Result names never end like another result's plots (`x_face1.png` is the plot of face 1 of the result `x`)."""

from pathlib import Path

from merstudio.analysis.files import output_names, plot_name


def test_no_result_is_named_like_another_results_plot(tmp_path: Path):
    (tmp_path / "x_face1").mkdir()
    (tmp_path / "y_FACES").mkdir()
    names = output_names([tmp_path / "x.mp4", tmp_path / "x_face1.mp4", tmp_path / "v_faces.avi",
                          tmp_path / "x_face1", tmp_path / "y_FACES", tmp_path / "z_face.mp4"])
    # x.mp4 with two faces plots x_face1.png and x_faces.png: no other result may be named x_face1 or x_faces
    assert names == ["x", "x_face1.mp4", "v_faces.avi", "x-face1", "y-FACES", "z_face"]
    assert not any(plot_name(n) for n in names)

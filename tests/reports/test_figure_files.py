"""Figure files: the 300-dpi PNG with its alt text, the SVG, and the screen image made from the PNG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from evaluation.reports import base  # noqa: E402


def test_screen_png_keeps_white_paper_and_flat_colours():
    im = Image.new("RGB", (60, 40), (255, 255, 255))
    im.paste((0, 114, 178), (10, 10, 30, 30))
    out = Image.open(io.BytesIO(base._compact_png(im))).convert("RGB")
    assert out.getpixel((0, 0)) == (255, 255, 255)  # not 254: no grey box around a figure on the white page
    assert out.getpixel((20, 20)) == (0, 114, 178)


def test_saved_files_and_screen_image(tmp_path):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    f = base.Figure(fig, alt="En linje från 0 till 1.", name="line")
    png, svg, image = base._save_figure(f, tmp_path)
    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == base.PRINT_DPI and im.info["Title"] == f.alt
        assert im.size == image.size and im.width > 3.5 * base.PRINT_DPI  # 4 in wide, tight box a bit less
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert '"line": "En linje' in (tmp_path / "figures.json").read_text(encoding="utf-8")
    plt.close(fig)


def test_background_writer_writes_the_same_files(tmp_path, monkeypatch):
    from evaluation.reports import figure_files

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.set_title("Åäö − 3,2")
    figure_files.write_figure_files(fig, tmp_path / "here", name="line", alt="En linje.")
    monkeypatch.setenv(figure_files.BACKGROUND_ENV, "1")
    figure_files.write_figure_files(fig, tmp_path / "bg", name="line", alt="En linje.")
    assert figure_files._pool is not None  # handed to the background processes, not drawn here
    figure_files.wait_for_figure_files()
    assert figure_files._pool is None  # and they were ended
    plt.close(fig)
    with Image.open(tmp_path / "here" / "line.png") as a, Image.open(tmp_path / "bg" / "line.png") as b:
        assert a.size == b.size and a.info["Title"] == b.info["Title"] == "En linje."
        assert a.tobytes() == b.tobytes()
    assert (tmp_path / "bg" / "line.svg").stat().st_size > 1000


def test_background_writer_names_a_figure_it_could_not_write(tmp_path, monkeypatch):
    import pytest

    from evaluation.reports import figure_files

    monkeypatch.setenv(figure_files.BACKGROUND_ENV, "1")
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "line.png").mkdir()  # a folder where the PNG should go
    figure_files.write_figure_files(fig, tmp_path / "blocked", name="line", alt="x")
    plt.close(fig)
    with pytest.raises(RuntimeError, match="line: "):
        figure_files.wait_for_figure_files()

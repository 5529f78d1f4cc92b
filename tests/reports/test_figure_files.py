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

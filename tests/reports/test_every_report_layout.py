"""Workshop, comparison and psychometrics reports as a reader gets them, in sv and en.

The round report has its own, deeper checks (``test_round_outputs.py``); here every other report is
run once per language with ``--pdf`` (and ``--slides`` where a board gets it) and checked the same
way: ``lang`` set, every figure with alt text from the data, no table wider than the page at 1280 px
in headless Chromium, Swedish numbers with decimal comma and U+2212 minus, Swedish headings, an A4
PDF with nothing outside the page, and slides that open and carry the summary.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import subprocess
from pathlib import Path

import pytest

from evaluation.cli import main as dmkit

from conftest import SAMPLES
from test_round_outputs import CHROMIUM, _cells, _pdf_pages, layout_at_1280, needs_chromium, needs_poppler

REPORTS = {
    "workshop": (["workshop", str(SAMPLES / "workshop_before.csv"), str(SAMPLES / "workshop_after.csv"),
                  "-i", "workshop_followup", "--group-column", "took_part", "--cluster-column", "unit",
                  "--slides"], "workshop_effect"),
    "comparison": (["compare", str(SAMPLES / "paired_dual_maturity.csv"), str(SAMPLES / "paired_public_dma.csv"),
                    "--instrument-a", "dual_maturity", "--instrument-b", "public_dma",
                    "--retest-a", str(SAMPLES / "paired_dual_maturity_retest.csv"),
                    "--retest-b", str(SAMPLES / "paired_public_dma_retest.csv"), "--slides"], "instrument_comparison"),
    "psychometrics": (["psychometrics", str(SAMPLES / "solvik_2025.csv"), "-i", "dual_maturity", "--group", "role",
                       "--n-boot", "100"], "psychometrics"),
}
CASES = [(kind, lang) for kind in REPORTS for lang in ("sv", "en")]

#: English words that must not head a table or section of a Swedish report
ENGLISH_HEADINGS = {"level", "mean", "flag", "reasons", "revise", "review", "item", "items", "score", "difference",
                    "change", "question", "skipped", "percentile", "category", "group", "true",
                    "false", "nan", "none", "before", "after", "effect", "summary", "reliability", "loading",
                    "estimate", "model", "fit", "threshold"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    out = {}
    for kind, lang in CASES:
        args, stem = REPORTS[kind]
        folder = tmp / f"{kind}_{lang}"
        extra = ["--pdf"] if CHROMIUM else []
        assert dmkit(args + extra + ["--language", lang, "-o", str(folder), "-q"]) == 0
        out[kind, lang] = folder / f"{stem}.html"
    return out


def _text(h: str) -> str:
    body = re.search(r'<main class="dm-report">(.*)</main>', h, re.S)
    assert body, "the report is not on the kit's template"
    body = re.sub(r"<style.*?</style>|<script.*?</script>|<img [^>]*>", " ", body.group(1), flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"(version|v)\s?\d+(\.\d+)+", "version", text)


@pytest.mark.parametrize("kind,lang", CASES)
def test_lang_and_alt_text(runs, kind, lang):
    h = runs[kind, lang].read_text(encoding="utf-8")
    assert re.search(rf'<html[^>]* lang="{lang}"', h)
    imgs = re.findall(r"<img [^>]*>", h)
    assert imgs, "every report has at least one figure"
    alts = [htmllib.unescape(m) for m in re.findall(r'<img [^>]*alt="([^"]*)"', h)]
    assert len(alts) == len(imgs) and all(len(a) > 20 for a in alts), alts
    assert "No description has been provided" not in h


@pytest.mark.parametrize("kind,lang", CASES)
def test_no_markup_shown_as_text(runs, kind, lang):
    """No tag or markdown the kit meant as layout is printed to the reader (its markdown is made inert)."""
    text = _text(runs[kind, lang].read_text(encoding="utf-8"))
    assert not re.search(r"</?\s*[a-zA-Z][\w-]*(\s[^<>]*)?>", text), re.findall(r".{20}</?[a-zA-Z][^<>]{0,40}>", text)
    assert "**" not in text and "&lt;" not in text and "&amp;" not in text


@pytest.mark.parametrize("kind", list(REPORTS))
def test_swedish_numbers_and_headings(runs, kind):
    h = runs[kind, "sv"].read_text(encoding="utf-8")
    text = _text(h)
    assert not re.findall(r"\d\.\d", text), re.findall(r".{30}\d\.\d.{10}", text)[:5]
    assert not re.findall(r"(?<![\w\-–/])-\d", text), re.findall(r".{20}(?<![\w\-–/])-\d.{10}", text)[:5]
    assert re.search(r"\d,\d", text)
    heads = _cells(h, "th") + _cells(h, "h1") + _cells(h, "h2") + _cells(h, "h3")
    words = {w.lower() for c in heads for w in re.findall(r"[^\W\d_]+", c)}
    assert not words & ENGLISH_HEADINGS, words & ENGLISH_HEADINGS


@needs_chromium
@pytest.mark.parametrize("kind,lang", CASES)
def test_no_table_overflows_at_1280px(runs, kind, lang, tmp_path):
    info = layout_at_1280(runs[kind, lang].read_text(encoding="utf-8"), tmp_path)
    assert info["tables"] >= 2 and info["lang"] == lang
    assert info["wide"] == [] and info["page"] <= info["view"], info


@needs_chromium
@needs_poppler
@pytest.mark.parametrize("kind,lang", CASES)
def test_pdf_is_a4_and_nothing_outside_the_page(runs, kind, lang):
    pdf = runs[kind, lang].with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    for k, page in enumerate(_pdf_pages(pdf), start=1):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter("word"):
            assert float(word.get("xMin")) >= 0 and float(word.get("xMax")) <= width - 20, (k, word.text)
            assert float(word.get("yMax")) <= height, (k, word.text)


@pytest.mark.parametrize("kind", ["workshop", "comparison"])
def test_slides_carry_the_summary(runs, kind):
    from pptx import Presentation

    for lang in ("sv", "en"):
        html_path = runs[kind, lang]
        board = json.loads((html_path.parent / "figures" / "board.json").read_text(encoding="utf-8"))
        deck = Presentation(str(html_path.with_suffix(".pptx")))
        texts = [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in deck.slides]
        assert len(deck.slides) >= len(board) + 1  # the board messages, then one slide per figure
        for slide, text in zip(board, texts):
            assert slide["message"] and slide["message"][:40] in text
            assert "**" not in text and "\\" not in text

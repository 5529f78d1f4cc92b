"""The round report as a board receives it: HTML at 1280 px in a real browser, the A4 PDF, the slides.

One module-scoped run of ``dmkit round --pdf --slides`` per language (sv, en) on the Solvik sample.
The browser and PDF checks need the system Chromium and poppler (``make test`` installs both); they
skip only when a tool is absent, and say which.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from evaluation.cli import main as dmkit
from evaluation.reports.protocol import find_chromium
from evaluation.text import format as fmt

from conftest import SAMPLES

CHROMIUM = find_chromium()
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfimages")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: these checks render the "
                                    "report in headless Chromium (make test / make system-deps installs it)")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdftotext, pdfimages) is not "
                                   "installed: the PDF checks need it (make test / make system-deps installs it)")

#: English words that must not appear in a Swedish report's table headers or headings
ENGLISH_WORDS = {"level", "alpha", "ci", "low", "high", "mean", "flag", "reasons", "revise", "review", "item", "items",
                 "score", "difference", "previous", "change", "question", "skipped", "dont_know", "r_drop",
                 "percentile", "organisations", "category", "dimension", "text", "n", "k", "id", "group", "true",
                 "false", "nan", "none"}


def _run(out: Path, language: str, pdf: bool = True, slides: bool = True) -> Path:
    args = ["round", str(SAMPLES / "solvik_2025.csv"), "-i", "dual_maturity", "-m", "Solvik kommun",
            "--round-label", "2025", "--previous", str(SAMPLES / "solvik_2024.csv"),
            "--benchmark", str(SAMPLES / "benchmark_2025.csv"), "--population-size", "320",
            "--language", language, "-o", str(out), "-q"]
    if pdf and CHROMIUM:
        args.append("--pdf")
    if slides:
        args.append("--slides")
    assert dmkit(args) == 0
    return out


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("round_outputs")
    return {lang: _run(tmp / lang, lang) for lang in ("sv", "en")}


def _html(out: Path) -> str:
    return (out / "round_report.html").read_text(encoding="utf-8")


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


# -- static HTML ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["sv", "en"])
def test_lang_header_contents_and_small_css(rounds, lang):
    h = _html(rounds[lang])
    assert re.search(rf'<html lang="{lang}">', h)
    res = _results(rounds[lang])
    meta = re.search(r'<p class="dm-meta">(.*?)</p>', h, re.S).group(1)
    assert res["generated"] in meta and res["kit_version"] in meta and res["sections"]["instrument"]["version"] in meta
    assert '<nav class="dm-toc"' in h and h.count('<li><a href="#') >= 6
    css = "".join(re.findall(r"<style>(.*?)</style>", h, re.S))
    assert len(css) < 10_000 and "jp-" not in h  # no JupyterLab stylesheet
    assert "@page" in css and "A4" in css and "break-after" in css


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_image_has_alt_text_from_the_data(rounds, lang):
    h = _html(rounds[lang])
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', h)
    imgs = re.findall(r"<img ", h)
    assert len(imgs) >= 7 and len(alts) == len(imgs)
    assert all(len(a) > 30 for a in alts), alts
    assert "No description has been provided" not in h
    res = _results(rounds[lang])["sections"]
    quadrant = htmllib.unescape(alts[0])
    assert res["classification"]["name"] in quadrant
    assert fmt.points(res["dimensions"]["capability"]["mean"], lang) in quadrant


def test_figures_saved_for_print_and_slides(rounds):
    from PIL import Image

    folder = rounds["sv"] / "figures"
    alts = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    assert {"quadrant", "profile", "items", "change", "benchmark"} <= set(alts)
    for name in alts:
        with Image.open(folder / f"{name}.png") as im:
            assert round(im.info["dpi"][0]) == 300
        assert (folder / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def _cells(h: str, tag: str) -> list[str]:
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", h, re.S)]


def test_swedish_report_has_swedish_headers_and_values(rounds):
    h = _html(rounds["sv"])
    headers = _cells(h, "th") + _cells(h, "h1") + _cells(h, "h2") + _cells(h, "h3")
    assert len(_cells(h, "th")) >= 20
    words = {w.lower() for c in headers for w in re.findall(r"[^\W\d]+", c)}
    assert not words & ENGLISH_WORDS, words & ENGLISH_WORDS
    values = {c.lower() for c in _cells(h, "td")}
    assert not values & {"revise", "review", "ok", "true", "false", "nan", "category", "overall"}
    # no raw ids of questions or categories in a table
    assert not any(re.fullmatch(r"(cap|leg)_[a-z]+_\d+", c) for c in _cells(h, "td"))


def _visible_text(h: str) -> str:
    body = re.search(r'<main class="dm-report">(.*)</main>', h, re.S).group(1)
    body = re.sub(r"<style.*?</style>|<img [^>]*>", " ", body, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"version \d+(\.\d+)+", "version", text)


def test_swedish_numbers_have_decimal_comma_and_minus(rounds):
    text = _visible_text(_html(rounds["sv"]))
    assert not re.findall(r"\d\.\d", text), re.findall(r".{30}\d\.\d.{10}", text)[:5]
    assert not re.findall(r"(?<![\w\-–])-\d", text), re.findall(r".{20}(?<![\w\-–])-\d.{10}", text)[:5]
    assert "\u2212" in text and re.search(r"\d,\d", text)
    en = _visible_text(_html(rounds["en"]))
    assert re.search(r"\d\.\d", en) and not re.search(r"\d,\d\d? ", en.replace(", ", " "))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_markup_shown_as_text(rounds, lang):
    """The kit's own markdown is made inert before it is shown (raw HTML becomes text), so a tag the kit
    meant as layout would be printed to the reader: none may be (the appendix divider once was)."""
    text = _visible_text(_html(rounds[lang]))
    assert not re.search(r"</?\s*[a-zA-Z][\w-]*(\s[^<>]*)?>", text), re.findall(r".{20}</?[a-zA-Z][^<>]{0,40}>", text)
    assert "**" not in text and "&lt;" not in text and "&amp;" not in text


def test_summary_first_and_rules_applied(rounds):
    """Page 1 says what the numbers allow: the sample's change CI covers 0 and its scores lie inside the IQR."""
    h = _html(rounds["sv"])
    res = _results(rounds["sv"])["sections"]
    ov = {r["id"]: r for r in res["change"]["rows"]}["overall"]
    assert ov["ci_low"] < 0 < ov["ci_high"]
    low = h.lower()
    first, quadrant = low.index('id="sammanfattning"'), low.index('id="kvadrant"')
    assert first < quadrant
    summary = re.sub(r"<[^>]+>", " ", htmllib.unescape(h[first:quadrant]))
    assert "ingen säkerställd förändring" in summary
    assert "i nivå med jämförbara kommuner" in summary
    assert res["classification"]["name"] in summary and "Så läser du rapporten" in summary
    assert "20 frågor är markerade" not in h and "av 30 frågor" in h


def test_reverse_keyed_items_recoded_and_marked(rounds, dual):
    h = _html(rounds["sv"])
    rev = [it for it in dual.items if it.reverse]
    assert rev
    rows = re.findall(r"<tr>(.*?)</tr>", h, re.S)
    from evaluation.data.responses import read_responses

    rs = read_responses(SAMPLES / "solvik_2025.csv", dual)
    for it in rev:
        row = next(r for r in rows if htmllib.escape(dual.name_of(it.id, "sv"), quote=False) in r
                   and "Medelvärde" not in r and "omvänd fråga, omkodad" in r)
        assert fmt.number(rs.scored()[it.id].mean(), "sv", 2) in row


# -- in the browser at 1280 px ----------------------------------------------------------------

PROBE = """<script>
window.addEventListener('load', function () {
  var main = document.querySelector('main').getBoundingClientRect();
  var wide = [];
  document.querySelectorAll('table, img, figure, pre').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > main.right + 1 || el.scrollWidth > el.clientWidth + 1) wide.push(el.tagName + ':' + Math.round(r.width) + '>' + Math.round(main.width) + ':' + (el.previousElementSibling ? el.previousElementSibling.textContent.slice(0, 40) : el.parentElement.previousElementSibling ? el.parentElement.previousElementSibling.textContent.slice(0, 40) : ''));
  });
  var pre = document.createElement('pre'); pre.id = '__probe';
  pre.textContent = JSON.stringify({wide: wide, tables: document.querySelectorAll('table').length,
    page: document.documentElement.scrollWidth, view: window.innerWidth, lang: document.documentElement.lang});
  document.body.appendChild(pre);
});
</script>"""


def layout_at_1280(html_text: str, tmp_path: Path) -> dict:
    """Open the report in headless Chromium at 1280 px and return what :data:`PROBE` measured
    (``wide`` elements, table count, page and view width, ``lang``)."""
    probe = tmp_path / "probe.html"
    probe.write_text(html_text.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1280,2000",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'<pre id="__probe">(.*?)</pre>', dom, flags=re.S)
    assert m, "the probe script did not run"
    return json.loads(htmllib.unescape(m.group(1)))


@needs_chromium
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_table_overflows_at_1280px(rounds, lang, tmp_path):
    info = layout_at_1280(_html(rounds[lang]), tmp_path)
    assert info["tables"] >= 4 and info["lang"] == lang
    assert info["wide"] == [] and info["page"] <= info["view"], info


# -- the A4 PDF -----------------------------------------------------------------------------------

def _pdf_pages(pdf: Path):
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    return ET.fromstring(xml).findall(".//page")


@needs_chromium
@needs_poppler
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_pdf_is_a4_and_nothing_is_cut(rounds, lang, tmp_path):
    pdf = rounds[lang] / "round_report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = _pdf_pages(pdf)
    assert len(pages) >= 5
    h = _html(rounds[lang])
    headings = {re.sub(r"\s+", " ", c) for c in _cells(h, "h2") + _cells(h, "h3")}
    for k, page in enumerate(pages, start=1):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter("word"):
            assert float(word.get("xMin")) >= 0 and float(word.get("xMax")) <= width - 20, (k, word.text)
            assert float(word.get("yMax")) <= height, (k, word.text)
        blocks = list(page.iter("block"))
        if k < len(pages) and blocks:
            last = " ".join(w.text for w in blocks[-1].iter("word"))
            assert last not in headings, f"heading '{last}' stranded at the foot of page {k}"
    # each figure is printed whole, on one page (a figure split by a page break would appear twice)
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    n_images = len([ln for ln in listed.splitlines()[2:] if ln.strip()])
    assert n_images == len(re.findall(r"<img ", h))
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 2


# -- the slides -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["sv", "en"])
def test_slides_hold_the_numbers_of_results_json(rounds, lang):
    from pptx import Presentation

    prs = Presentation(str(rounds[lang] / "round_report.pptx"))
    res = _results(rounds[lang])["sections"]
    slides = list(prs.slides)
    names = [s.name for s in slides]
    assert names == ["summary", "quadrant", "profile", "change", "benchmark"]

    def text(slide) -> str:
        return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)

    o = res["overall"]
    summary = text(slides[0])
    assert fmt.points(o["mean"], lang) in summary
    assert f"{fmt.number(o['ci_low'], lang, 0)}–{fmt.number(o['ci_high'], lang, 0)}" in summary
    assert res["municipality"] in summary
    assert res["classification"]["name"] in text(slides[1])
    cats = res["categories"]
    assert all(fmt.points(cats[i]["mean"], lang) in text(slides[2]) for i in res["strongest"][:2])
    ov = {r["id"]: r for r in res["change"]["rows"]}["overall"]
    ch = text(slides[3])
    assert fmt.signed(ov["diff"], lang, 1) in ch and fmt.ci(ov["ci_low"], ov["ci_high"], lang, 1) in ch
    bench = {r["id"]: r for r in res["benchmark"]["rows"]}
    bt = text(slides[4])
    for d in res["dimensions"]:
        assert fmt.points(bench[d]["bench_median"], lang) in bt
    # one picture on each figure slide, none on the summary
    pics = [sum(1 for sh in s.shapes if sh.shape_type == 13) for s in slides]
    assert pics == [0, 1, 1, 1, 1]
    # every slide's message is its speaker notes, to be read out as written
    assert all(s.notes_slide.notes_text_frame.text for s in slides)

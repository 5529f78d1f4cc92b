"""Hostile strings a user supplies, planted in every output the kit writes (issue 17).

A user supplies the municipality name, the round label, the unit and role names in the answers, answer
labels, and every text of an own instrument YAML. Each of them here carries a payload (HTML, a script URL,
markdown link syntax, a spreadsheet formula, a leading tab or CR) and every file a command writes is read
back with a real parser:

* HTML (the report, the batch index): parsed with :mod:`lxml.html`; no ``script``/``svg``/``iframe``/
  ``object``/``embed`` element, no ``img`` but the kit's embedded figures, no ``on*`` attribute, no link or
  source with a script scheme or a payload's address;
* PPTX: opened with python-pptx; no hyperlink or click action anywhere, no external relationship, and the
  payload shown as the literal text it is;
* SVG figures: parsed as XML; no ``script`` or ``foreignObject`` element, no ``on*`` attribute, no link;
* PDF: no JavaScript or launch action, no link a payload made;
* XLSX (openpyxl) and CSV: no formula cell, and every text cell that starts with ``= + - @``, a tab or a CR is
  stored as text (Excel's quote prefix; in a CSV a leading apostrophe);
* markdown files (README, text for respondents): rendered with mistune, then checked as HTML.

Every checker is itself shown a hand-made bad file, so a test that finds nothing found nothing because
there was nothing.

Also: an instrument file carrying a YAML tag that would run code is refused with a clear ValueError.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evaluation.data.instruments import load_instrument

from conftest import SAMPLES

INSTRUMENTS = SAMPLES.parent / "instruments"

P = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "svg": '"><svg onload=alert(1)>',
    "js": "javascript:alert(1)",
    "md": "[x](javascript:alert(1))",
    "hyperlink": '=HYPERLINK("http://evil","x")',
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(A1)",
    "tab": "\tTAB",
    "cr": "\rCR",
}
#: one string with every HTML/markdown payload, for the names that are shown once (municipality, label)
HTML_ALL = P["script"] + P["img"] + P["svg"] + " " + P["md"] + " " + P["js"]
#: names of the five units and four roles of data_samples/solvik_2025.csv, largest first (all are published)
#: (a "$" pair is matplotlib mathtext: "$\\frac$" stopped the report, "$5 och $6" came out in italics)
UNITS = [P["script"] + " A $\\frac$", P["img"] + " B $5 och $6", P["svg"] + " C", P["md"] + " D", P["hyperlink"]]
ROLES = [P["at"], P["plus"] + " " + P["js"], P["minus"] + " " + P["img"], P["tab"] + " " + P["script"]]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_MARK = re.compile(r"alert\(|evil", re.I)
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data:text|livescript):", re.I)


# -- checkers ------------------------------------------------------------------------------

def html_leaks(text: str) -> list[str]:
    """What in an HTML document a payload made live (element, handler attribute or link)."""
    from lxml import html as lhtml

    root = lhtml.document_fromstring(text)
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower().rsplit("}", 1)[-1]
        if tag in ("script", "svg", "iframe", "object", "embed", "frame", "applet", "base", "form", "math"):
            found.append(f"<{tag}> {lhtml.tostring(el, encoding='unicode')[:80]}")
        if tag == "img" and not (el.get("src") or "").startswith(("data:image/png;base64,", "data:image/svg+xml;base64,")):
            found.append(f"<img src={el.get('src')!r}>")
        for k, v in el.attrib.items():
            if k.lower().startswith("on"):
                found.append(f"<{tag} {k}={v!r}>")
            if k.lower().rsplit("}", 1)[-1] in ("href", "src", "action", "formaction", "data", "srcdoc"):
                # mistune (the notebook's markdown) turns a script link into "#harmful-link": still a link a payload made
                # (an embedded image's base64 can spell "evil" by chance: its scheme was checked above)
                if _SCRIPT_URL.match(v) or (_MARK.search(v) and not v.startswith(("#", "data:image/"))) \
                        or v == "#harmful-link":
                    found.append(f"<{tag} {k}={v!r}>")
    return found


def svg_leaks(data: bytes) -> list[str]:
    from lxml import etree

    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "a", "iframe"):
            found.append(f"<{tag}>")
        for k, v in el.attrib.items():
            name = k.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}={v!r}>")
            if name == "href" and not v.startswith(("#", "data:image/")):
                found.append(f"<{tag} href={v!r}>")
    return found


def pptx_leaks(path: Path) -> tuple[list[str], str]:
    """(hyperlinks/actions/external targets in the deck, all its text) of a .pptx."""
    from pptx import Presentation

    prs = Presentation(str(path))
    found, texts = [], []

    def walk(shapes, where):
        for sh in shapes:
            if sh.shape_type == 6:  # group
                walk(sh.shapes, where)
            try:
                if sh.click_action.hyperlink.address or sh.click_action.action != 0:  # PP_ACTION.NONE
                    found.append(f"{where}: click action on {sh.name}")
            except (AttributeError, ValueError):
                pass
            frames = [sh.text_frame] if sh.has_text_frame else []
            if getattr(sh, "has_table", False) and sh.has_table:
                frames += [c.text_frame for row in sh.table.rows for c in row.cells]
            for tf in frames:
                for para in tf.paragraphs:
                    for r in para.runs:
                        texts.append(r.text)
                        if r.hyperlink.address:
                            found.append(f"{where}: link {r.hyperlink.address!r} on {r.text[:40]!r}")

    for i, slide in enumerate(prs.slides):
        walk(slide.shapes, f"slide {i + 1}")
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    for part in prs.part.package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external:
                found.append(f"{part.partname}: external {rel.reltype.rsplit('/', 1)[-1]} {rel.target_ref!r}")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                xml = z.read(name).decode("utf-8", "replace")
                for hit in re.findall(r"<a:hlink(?:Click|Hover|MouseOver)[^>]*>", xml):
                    found.append(f"{name}: {hit[:80]}")
    return found, "\n".join(texts)


def pdf_leaks(path: Path) -> list[str]:
    data = Path(path).read_bytes()
    found = [m.decode("latin-1") for m in re.findall(rb"/(?:JavaScript|JS|Launch|SubmitForm|ImportData)\b", data)]
    for uri in re.findall(rb"/URI\s*\(([^)]*)\)", data):
        u = uri.decode("latin-1")
        if _SCRIPT_URL.match(u) or _MARK.search(u):
            found.append(f"/URI {u}")
    return found


def _formula_like(v) -> bool:
    return isinstance(v, str) and v.startswith(FORMULA_PREFIXES) and not _NUMBER.match(v.strip())


def xlsx_leaks(path: Path) -> list[str]:
    """Cells of a workbook a spreadsheet would run as a formula."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    found.append(f"{ws.title}!{c.coordinate} formula {c.value!r}")
                elif _formula_like(c.value) and not c.quotePrefix:
                    found.append(f"{ws.title}!{c.coordinate} {c.value!r}")
        for dv in ws.data_validations.dataValidation:
            for f in (dv.formula1, dv.formula2):
                if f and _MARK.search(str(f)):
                    found.append(f"{ws.title} validation {f!r}")
    return found


def csv_leaks(path: Path) -> list[str]:
    """Cells of a CSV a spreadsheet would run as a formula."""
    text = Path(path).read_bytes().decode("utf-8-sig")  # read_text would turn a bare CR into a line end
    found = []
    for i, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
        for j, v in enumerate(row):
            if _formula_like(v):
                found.append(f"{Path(path).name} row {i + 1} col {j + 1}: {v!r}")
    return found


def markdown_leaks(text: str) -> list[str]:
    import mistune

    return html_leaks("<html><body>" + mistune.html(text) + "</body></html>")


# -- the checkers see a leak -------------------------------------------------------------

def test_html_checker_flags_raw_payloads():
    for bad in (P["script"], P["img"], P["svg"], '<a href="javascript:alert(1)">x</a>', "<iframe src=x></iframe>",
                '<a href="http://evil/">x</a>', '<p onclick="alert(1)">x</p>'):
        assert html_leaks(f"<html><body><p>{bad}</p></body></html>"), bad
    assert markdown_leaks(P["md"]) and markdown_leaks(P["img"])
    ok = ('<html><body><a href="#Kvadrant">K</a><img src="data:image/png;base64,AAAA" alt="&lt;script&gt;">'
          '<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p></body></html>')
    assert html_leaks(ok) == []


def test_svg_checker_flags_raw_payloads():
    head = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    for bad in (b"<script>alert(1)</script>", b'<g onload="alert(1)"/>', b'<a xlink:href="javascript:alert(1)"><text>x</text></a>',
                b"<foreignObject><div>x</div></foreignObject>"):
        assert svg_leaks(head + bad + b"</svg>"), bad
    assert svg_leaks(head + b"<text>&lt;script&gt;alert(1)</text></svg>") == []


def test_pptx_checker_flags_a_link(tmp_path):
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation()
    s = prs.slides.add_slide(prs.slide_layouts[6])
    r = s.shapes.add_textbox(Emu(0), Emu(0), Emu(914400), Emu(914400)).text_frame.paragraphs[0].add_run()
    r.text = "x"
    r.hyperlink.address = "javascript:alert(1)"
    prs.save(str(tmp_path / "bad.pptx"))
    found, text = pptx_leaks(tmp_path / "bad.pptx")
    assert found and "x" in text


def test_spreadsheet_checkers_flag_a_formula(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = P["hyperlink"]
    wb.active["A2"] = "-3.5"
    wb.save(tmp_path / "bad.xlsx")
    assert xlsx_leaks(tmp_path / "bad.xlsx") == ["Sheet!A1 formula " + repr(P["hyperlink"])]
    wb = Workbook()
    wb.active["A1"] = P["at"]
    wb.save(tmp_path / "bad2.xlsx")
    assert xlsx_leaks(tmp_path / "bad2.xlsx")
    pd.DataFrame({"a": [P["plus"], "-3.5", P["tab"], P["cr"]]}).to_csv(tmp_path / "bad.csv", index=False,
                                                                   lineterminator="\r\n")
    assert len(csv_leaks(tmp_path / "bad.csv")) == 3


def test_pdf_checker_flags_a_script_link(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /A << /S /URI /URI (javascript:alert(1)) >> >>\nendobj\n")
    assert pdf_leaks(tmp_path / "bad.pdf")
    (tmp_path / "bad2.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    assert pdf_leaks(tmp_path / "bad2.pdf")


# -- helpers -------------------------------------------------------------------------------

def _rename(df: pd.DataFrame, col: str, names: list[str]) -> pd.DataFrame:
    order = list(df[col].value_counts().index)
    df[col] = df[col].map(dict(zip(order, names))).fillna(df[col])
    return df


def _hostile_answers(dst: Path, rows: int | None = None) -> Path:
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    df = df.sample(rows, random_state=1) if rows else df
    _rename(df, "unit", UNITS)
    _rename(df, "role", ROLES)
    df.to_csv(dst, index=False)
    return dst


def _check_report_dir(out: Path, stem: str = "round_report", *, figures_expected: bool = True) -> str:
    """Every output of a report folder is inert; returns the deck's text."""
    html = (out / f"{stem}.html").read_text(encoding="utf-8")
    assert html_leaks(html) == []
    figures = sorted((out / "figures").glob("*.svg"))
    assert figures or not figures_expected
    leaks = {f.name: svg_leaks(f.read_bytes()) for f in figures}
    assert not any(leaks.values()), leaks
    found, deck = pptx_leaks(out / f"{stem}.pptx")
    assert found == []
    return deck


def test_figure_text_is_drawn_as_typed(tmp_path):
    """A name with "$" in it is drawn as typed in every kit figure, not parsed as mathtext."""
    import matplotlib

    import evaluation.plots  # noqa: F401  (switches mathtext off for the kit's figures)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_yticks([0, 1], ["Enhet $\\frac$", "Kostnad $5 och $6"])
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(tmp_path / "f.svg", format="svg")  # with mathtext on: ValueError (\frac has no argument)
    plt.close(fig)
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "Enhet $\\frac$" in svg and "Kostnad $5 och $6" in svg


# -- 1. dmkit round --pdf --slides ---------------------------------------------------------

def test_round_report_html_pdf_slides_and_figures_are_inert(tmp_path):
    from evaluation.cli import main as dmkit

    answers = _hostile_answers(tmp_path / "svar.csv")
    out = tmp_path / "out"
    # a CR (a line end to markdown) and "=====" under it would end the heading and make a new one
    name = HTML_ALL + " " + P["hyperlink"] + P["cr"] + "\n=====\n# \x1b[2Jslut"
    code = dmkit(["round", str(answers), "-i", "dual_maturity", "-m", name,
                  "--round-label", P["svg"] + P["md"], "--pdf", "--slides", "-o", str(out), "-q"])
    assert code == 0
    deck = _check_report_dir(out)
    assert pdf_leaks(out / "round_report.pdf") == []
    # the names reached the outputs, as the literal text they are
    html = (out / "round_report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in html and "onerror=alert(1)&gt;" in html
    from lxml import html as lhtml

    h1 = [e.text_content() for e in lhtml.document_fromstring(html).iter("h1")]
    assert len(h1) == 1 and "HYPERLINK" in h1[0] and "slut" in h1[0], h1
    assert HTML_ALL in deck
    # no control character on a slide, nor python-pptx's "_x000D_" for one
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]|_x00[01][0-9A-F]_", deck), re.findall(r".{20}_x00..._.{5}", deck)


# -- the instrument ------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ['!!python/object/apply:os.system ["echo pwned"]', "!!python/name:os.system"])
def test_yaml_code_tag_in_an_instrument_is_refused(tmp_path, tag):
    text = (INSTRUMENTS / "dual_maturity.yaml").read_text(encoding="utf-8")
    p = tmp_path / "dual_maturity.yaml"
    p.write_text(text.replace("version: \"1.0\"", f"version: {tag}", 1), encoding="utf-8")
    marker = tmp_path / "pwned"
    with pytest.raises(ValueError, match="not valid YAML"):
        load_instrument(p)
    assert not marker.exists()


# -- 4. a user's own instrument ------------------------------------------------------------

def hostile_instrument(folder: Path) -> Path:
    """instruments/dual_maturity.yaml with a payload in its title, texts, names, answer labels and glossary."""
    import yaml

    doc = yaml.safe_load((INSTRUMENTS / "dual_maturity.yaml").read_text(encoding="utf-8"))
    doc["id"] = "hostile_maturity"

    def both(value):
        return {"sv": value, "en": value}

    doc["title"] = both("Mognad " + HTML_ALL)
    doc["description"] = both(P["md"] + " " + P["img"])
    dims = doc["dimensions"]
    dims[0]["name"] = both(P["script"] + " förmåga " + P["md"])
    dims[1]["name"] = both(P["img"] + " arv")
    dims[0]["categories"][0]["name"] = both(P["svg"] + " förstå")
    dims[1]["categories"][0]["name"] = both(P["hyperlink"])
    items = [it for d in dims for c in d["categories"] for it in c["items"]]
    for it, bad in zip(items, [HTML_ALL, P["hyperlink"], P["plus"], P["minus"] + " x", P["at"], P["tab"], P["cr"]]):
        it["text"] = both(bad)
    doc["scale"]["labels"][6] = both(P["img"] + " helt")
    doc["scale"]["labels"][1] = both(P["hyperlink"])
    doc["scale"]["dont_know"]["label"] = both(P["at"])
    doc["glossary"][0] = {"term": both(P["hyperlink"]), "definition": both(P["md"] + P["script"])}
    for q, bad in zip(doc["classification"]["quadrants"], [P["script"], P["img"], P["svg"], P["md"]]):
        q["name"] = both(bad + " " + q["name"]["sv"])
        q["recommendation"] = both(P["md"] + " " + P["hyperlink"])
    p = folder / "hostile_maturity.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def test_own_instrument_round_report_html_slides_and_figures_are_inert(tmp_path):
    from evaluation.cli import main as dmkit

    inst = hostile_instrument(tmp_path)
    assert load_instrument(inst).items[0].text["sv"] == HTML_ALL
    out = tmp_path / "out"
    code = dmkit(["round", str(SAMPLES / "solvik_2025.csv"), "-i", str(inst), "-m", "Solvik kommun",
                  "--round-label", "2025", "--slides", "-l", "en", "-o", str(out), "-q"])
    assert code == 0
    deck = _check_report_dir(out)
    html = (out / "round_report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in html and "Mognad" in html
    # quadrant and category names reach the deck as the literal text they are
    assert P["md"] + " =HYPERLINK(" in deck and P["svg"] + " förstå" in deck


# -- 3. templates, codebook, initiative register, validate and items -------------------------

SHEET_NAMES = UNITS + [P["tab"] + "x", P["cr"] + "y", P["minus"], P["plus"], P["at"]]


def test_new_municipality_templates_are_inert(tmp_path):
    import yaml

    from evaluation.admin.templates import new_municipality

    inst = hostile_instrument(tmp_path)
    name = HTML_ALL + " " + P["hyperlink"] + " $(touch pwned) `id` 'q'"
    s = new_municipality(name, instrument=str(inst), directory=tmp_path / "kommun", units=SHEET_NAMES,
                         roles=ROLES, round_label=P["at"] + P["md"])
    files = {p.relative_to(s.folder).as_posix(): p for p in s.files}
    leaks = {}
    for rel, p in files.items():
        if p.suffix == ".xlsx":
            leaks[rel] = xlsx_leaks(p)
        elif p.suffix == ".csv":
            leaks[rel] = csv_leaks(p)
        elif p.suffix == ".md":
            leaks[rel] = markdown_leaks(p.read_text(encoding="utf-8"))
    assert set(leaks) >= {"mall/insamling.xlsx", "mall/kodbok.csv", "initiativregister.xlsx", "README.md",
                          "introduktion.md"}
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}
    # the command line the README gives to copy: the name and label stay one shell word each, as given
    import shlex

    line = next(x for x in files["README.md"].read_text(encoding="utf-8").splitlines() if "dmkit round" in x)
    argv = shlex.split(line)
    assert argv[argv.index("--municipality") + 1] == name
    assert argv[argv.index("--round-label") + 1] == P["at"] + P["md"]
    # params.yaml: the name is one YAML string, read back as given; no key a name could add
    params = yaml.safe_load(files["params.yaml"].read_text(encoding="utf-8"))
    assert params["municipality"] == name and params["round_label"] == P["at"] + P["md"]
    # the payloads are there, as text: the drop-down lists, the codebook, the question comments
    from openpyxl import load_workbook

    wb = load_workbook(files["mall/insamling.xlsx"])
    listed = [c.value for c in wb["Listor"]["B"]]
    assert P["hyperlink"] in listed and P["at"] in listed and P["minus"] in listed
    assert any(c.value == P["hyperlink"] for row in wb["Kodbok"].iter_rows() for c in row)
    cb = files["mall/kodbok.csv"].read_bytes().decode("utf-8")
    assert "'" + P["hyperlink"].replace('"', '""') in cb


def test_initiative_register_template_is_inert(tmp_path):
    from evaluation.cli import main as dmkit

    units = ",".join(u for u in SHEET_NAMES if "," not in u)
    assert dmkit(["initiatives", str(tmp_path / "reg.xlsx"), "--template", "--units", units]) == 0
    assert xlsx_leaks(tmp_path / "reg.xlsx") == []


def test_validate_rejected_rows_and_mapping_are_inert(tmp_path):
    import yaml

    from evaluation.cli import main as dmkit

    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False).head(40)
    _rename(df, "unit", UNITS)
    _rename(df, "role", ROLES)
    # answers no scale has: the rows are rejected and written back for the strategist to fix
    df.loc[0, "cap_und_1"] = P["hyperlink"]
    df.loc[1, "cap_und_2"] = P["at"]
    df.loc[2, "cap_und_3"] = P["plus"]
    df.loc[3, "respondent_id"] = P["minus"]
    hostile_column = '"x": unit\nroles: {"a": "b"} # ' + P["hyperlink"]
    df[hostile_column] = P["plus"]
    src = tmp_path / "svar.csv"
    df.to_csv(src, index=False)
    rejected, mapping = tmp_path / "rejected.csv", tmp_path / "svar.mapping.yaml"
    dmkit(["validate", str(src), "-i", "dual_maturity", "--rejected-out", str(rejected),
           "--write-mapping", str(mapping)])
    assert rejected.is_file()
    text = rejected.read_bytes().decode("utf-8")
    assert "HYPERLINK" in text
    assert csv_leaks(rejected) == []
    # the mapping is plain YAML whose keys a column name cannot add to: the name is one quoted key
    doc = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    assert set(doc) <= {"format", "instrument", "sheet", "columns", "answers", "units", "roles"}
    assert hostile_column in doc["columns"] and doc["roles"] in ({}, None)


def test_items_output_is_plain_text(tmp_path, capsys):
    from evaluation.cli import main as dmkit

    import yaml

    inst = hostile_instrument(tmp_path)
    # item texts the output quotes from (a double-barrelled phrase), with a CR and terminal escape sequences
    # (an OSC 8 hyperlink, a clear-screen) in them
    doc = yaml.safe_load(inst.read_text(encoding="utf-8"))
    items = doc["dimensions"][0]["categories"][0]["items"]
    items[2]["text"]["sv"] = "Vi har regler\roch\x1b]8;;http://evil/\x1b\\rutiner\x1b]8;;\x1b\\ för det."
    items[3]["text"]["sv"] = P["cr"] + " Vi följer regler och \x1b[2Jrutiner ofta."
    inst.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    answers = _hostile_answers(tmp_path / "svar.csv")
    assert dmkit(["items", str(answers), "-i", str(inst), "--group", "role", "-l", "en"]) == 0
    out = capsys.readouterr().out
    assert "Items that may be hard to understand" in out and "may ask two things at once ('" in out
    # no control character a payload brought (a CR overwrites the line on a terminal; ESC starts a sequence)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out), [m for m in re.findall(r".{0,30}[\r\x1b].{0,30}", out)]


# -- 2. dmkit batch and dmkit benchmark -----------------------------------------------------

BATCH_NAME = P["hyperlink"] + " " + HTML_ALL
#: folder names are the user's too: the good one is also a script URL, the broken one an HTML payload
GOOD_FOLDER, BROKEN_FOLDER = "javascript:alert(1)", "<img src=x onerror=alert(2)>"


def _batch_folder(d: Path, folder: str, *, data: bool) -> Path:
    from evaluation.admin.templates import new_municipality
    from evaluation.simulate import simulate_round

    units = UNITS[:3]
    roles = {ROLES[0]: (1.0, 0.0), ROLES[3]: (1.0, 0.0)}
    new_municipality(BATCH_NAME, instrument="dual_maturity", directory=d / folder, units=units, roles=list(roles),
                     round_label=P["svg"] + P["md"], municipality_group="B4", population=42000)
    if data:
        params = d / folder / "params.yaml"
        params.write_text(params.read_text(encoding="utf-8").replace('"data/svar.xlsx"', '"data/svar.csv"'),
                          encoding="utf-8")
        simulate_round("dual_maturity", n=60, seed=1, units=units, roles=roles).data.to_csv(
            d / folder / "data" / "svar.csv", index=False)
    return d / folder


def test_batch_index_reports_and_benchmark_are_inert(tmp_path, capsys):
    import shutil
    from urllib.parse import unquote

    from lxml import html as lhtml

    from evaluation.cli import main as dmkit

    d = tmp_path / "omgang"
    good = _batch_folder(d, GOOD_FOLDER, data=True)
    _batch_folder(d, BROKEN_FOLDER, data=False)
    assert dmkit(["batch", str(d), "-w", "1", "-q"]) == 1  # the broken folder fails, by design
    index = (d / "index.html").read_text(encoding="utf-8")
    assert html_leaks(index) == []
    # the link to the good report still leads to it
    hrefs = [a.get("href") for a in lhtml.document_fromstring(index).iter("a")]
    assert len(hrefs) == 1 and (d / unquote(hrefs[0])).resolve() == (good / "rapport" / "round_report.html").resolve()
    assert "onerror=alert(2)&gt;" in index and "&lt;script&gt;alert(1)" in index
    report = (good / "rapport" / "round_report.html").read_text(encoding="utf-8")
    assert html_leaks(report) == [] and "&lt;script&gt;alert(1)" in report
    # the anonymised benchmark, its key and summary: folders and names a spreadsheet would run
    for name in ("@SUM(A1)", "-1+1", "+1+1"):
        shutil.copytree(good, d / name, ignore=shutil.ignore_patterns("rapport"))
    outs = [tmp_path / f for f in ("bench.csv", "key.csv", "summary.csv")]
    assert dmkit(["benchmark", str(d), "-o", str(outs[0]), "--key", str(outs[1]), "--summary", str(outs[2]),
                  "--seed", "1", "-q"]) == 0
    key = outs[1].read_bytes().decode("utf-8")
    assert "'@SUM(A1)" in key and "'" + BATCH_NAME.replace('"', '""') in key
    leaks = {p.name: csv_leaks(p) for p in outs}
    assert not any(leaks.values()), leaks


# -- the other reports' decks and figures -----------------------------------------------------

def test_workshop_report_slides_and_figures_are_inert(tmp_path):
    from evaluation.cli import main as dmkit

    files = []
    for side in ("before", "after"):
        df = pd.read_csv(SAMPLES / f"workshop_{side}.csv", dtype=str, keep_default_na=False)
        _rename(df, "unit", UNITS * 3)
        _rename(df, "role", ROLES * 3)
        files.append(tmp_path / f"{side}.csv")
        df.to_csv(files[-1], index=False)
    out = tmp_path / "out"
    code = dmkit(["workshop", str(files[0]), str(files[1]), "-i", "workshop_followup", "--group-column", "took_part",
                  "--cluster-column", "unit", "--slides", "-o", str(out), "-q"])
    assert code == 0
    stem = next(out.glob("*.html")).stem
    _check_report_dir(out, stem)


def test_psychometrics_report_of_an_own_instrument_is_inert(tmp_path):
    from evaluation.cli import main as dmkit

    inst = hostile_instrument(tmp_path)
    answers = _hostile_answers(tmp_path / "svar.csv", rows=100)
    out = tmp_path / "out"
    code = dmkit(["psychometrics", str(answers), "-i", str(inst), "--group", "role", "--n-boot", "20",
                  "-l", "en", "-o", str(out), "-q"])
    assert code == 0
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert html_leaks(html) == [] and "&lt;script&gt;alert(1)" in html
    leaks = {f.name: svg_leaks(f.read_bytes()) for f in (out / "figures").glob("*.svg")}
    assert leaks and not any(leaks.values()), leaks


def test_initiative_assessment_csv_is_inert(tmp_path, capsys):
    from evaluation.cli import main as dmkit

    reg = pd.DataFrame({"id": [P["minus"], "I2"], "initiativ": [P["hyperlink"], P["at"] + P["script"]],
                        "enhet": [P["plus"], P["tab"] + "Skola"], "beskrivning": [P["cr"] + "x", P["md"]],
                        "timmar_gemensamma_resurser": [10, 500], "timmar_totalt": [20, 900],
                        "oklar_finansiering": ["ja", "nej"], "nytt_it_stod": ["nej", "ja"],
                        "nya_integrationer": ["nej", "nej"], "extern_databehandling": ["nej", "nej"],
                        "berorda_enheter": [P["at"], ""]})
    src, out = tmp_path / "reg.csv", tmp_path / "bedomning.csv"
    reg.to_csv(src, index=False, lineterminator="\r\n")
    assert dmkit(["initiatives", str(src), "-o", str(out)]) == 0
    assert "HYPERLINK" in out.read_bytes().decode("utf-8")
    assert csv_leaks(out) == []


def test_comparison_report_of_an_own_instrument_slides_and_figures_are_inert(tmp_path):
    from evaluation.cli import main as dmkit

    inst = hostile_instrument(tmp_path)
    out = tmp_path / "out"
    code = dmkit(["compare", str(SAMPLES / "paired_dual_maturity.csv"), str(SAMPLES / "paired_public_dma.csv"),
                  "--instrument-a", str(inst), "--instrument-b", "public_dma", "--slides", "-l", "en",
                  "-o", str(out), "-q"])
    assert code == 0
    stem = next(out.glob("*.html")).stem
    _check_report_dir(out, stem, figures_expected=False)  # without a crosswalk pair the comparison draws none
    assert "&lt;script&gt;alert(1)" in (out / f"{stem}.html").read_text(encoding="utf-8")

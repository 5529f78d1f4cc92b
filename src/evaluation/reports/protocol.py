"""Run a papermill notebook, export self-contained HTML, write results.json.

Every report notebook writes three files into its ``output_dir``: the executed
``.ipynb``, a self-contained ``.html`` without code cells (figures embedded as
base64 PNG), and ``results.json`` with the headline numbers, so that tests,
batch runs and other programs read numbers, not HTML.

A notebook failure is turned into one plain message that names the step (the
``step`` metadata of the failing cell, or its nearest heading), the error, and
the executed notebook with the details (:class:`ReportError`).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from evaluation.data.resources import resource_dir

__all__ = [
    "KERNEL_NAME",
    "NOTEBOOK_DIR",
    "ReportError",
    "ReportRun",
    "export_html",
    "export_pdf",
    "write_slides",
    "find_chromium",
    "figure_alts",
    "report_header",
    "add_contents",
    "notebook_failure",
    "run_notebook",
    "to_jsonable",
    "write_results",
    "read_results",
]


#: The Jupyter kernel every report notebook declares and ``make setup`` registers
#: (the Makefile, the notebook builder and the runner all read this one name).
KERNEL_NAME = "dmkit"


def __getattr__(name: str):
    if name == "NOTEBOOK_DIR":  # looked up lazily: the shipped notebooks/ folder
        return resource_dir("notebooks")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def runner_kernel() -> str:
    """The kernel the runner starts: ``KERNEL_NAME`` when its spec runs this very Python, else ``python3``.

    The registered ``dmkit`` kernel may belong to another environment (an older
    checkout, a wheel installed elsewhere); a report must run on the code of the
    environment that started it, which ipykernel's built-in ``python3`` spec does.
    """
    import sys

    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        exe = Path(spec.argv[0])
        if exe.exists() and exe.resolve() == Path(sys.executable).resolve():
            return KERNEL_NAME
    except Exception:  # no such kernel spec, or an unreadable one
        pass
    return "python3"


class ReportError(RuntimeError):
    """A report notebook failed; ``str(err)`` is the plain-language message."""

    def __init__(self, message: str, *, step: str | None = None, notebook: str | None = None):
        super().__init__(message)
        self.step = step
        self.notebook = notebook


@dataclass(frozen=True)
class ReportRun:
    """Paths and timing of one executed report."""

    notebook: Path
    html: Path
    results: Path
    seconds: float
    timings: Mapping[str, float] = field(default_factory=dict)

    def load_results(self) -> dict:
        return read_results(self.results)


def to_jsonable(obj: Any) -> Any:
    """Convert numpy/pandas values to plain JSON (NaN and inf → None).

    >>> to_jsonable({"a": np.float64(1.5), "b": float("nan"), "c": [np.int64(2)]})
    {'a': 1.5, 'b': None, 'c': [2]}
    """
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if (math.isnan(f) or math.isinf(f)) else f
    if obj is None or isinstance(obj, (str, int)):
        return obj
    if obj is pd.NA or obj is pd.NaT:
        return None
    if hasattr(obj, "to_dict"):
        return to_jsonable(obj.to_dict())
    return str(obj)


def write_results(results: Mapping[str, Any], output_dir: str | Path, *, name: str = "results.json") -> Path:
    """Write ``results`` as pretty JSON (NaN → null) into ``output_dir``."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(to_jsonable(results), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_results(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


#: the report template shipped with the kit (``evaluation/reports/templates/dmkit``)
TEMPLATE_NAME = "dmkit"

_HEADER_WORDS = {
    "sv": {"date": "Datum", "kit": "dmkit", "instrument": "Instrument", "version": "version", "toc": "Innehåll"},
    "en": {"date": "Date", "kit": "dmkit", "instrument": "Instrument", "version": "version", "toc": "Contents"},
}


def template_dir() -> Path:
    """The folder holding the kit's nbconvert templates (package data of ``evaluation.reports``)."""
    from importlib import resources

    return Path(str(resources.files("evaluation.reports"))) / "templates"


def _instruments_of(sections: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(id, version) of every instrument a results.json's sections name at their top level."""
    out = []
    for key, value in sections.items():
        if key.startswith("instrument") and isinstance(value, Mapping) and value.get("version"):
            out.append((str(value.get("id", "")), str(value["version"])))
    return out


def report_header(results: Mapping[str, Any] | None, *, title: str | None = None,
                  language: str | None = None) -> dict:
    """What the report template shows above the contents: language, title, date, kit and instrument versions.

    Read from the report's results.json envelope, so every report gets the same header.

    >>> h = report_header({"schema_version": "2.0", "language": "en", "kit_version": "0.2.0", "generated": "2026-12-03",
    ...                    "sections": {"instrument": {"id": "dual_maturity", "version": "1.0"}}}, title="T")
    >>> h["language"], h["header"]
    ('en', ['T', 'Date 2026-12-03', 'dmkit 0.2.0', 'Instrument dual_maturity version 1.0'])
    """
    from evaluation.reports.envelope import sections_of

    res = dict(results or {})
    lang = language or res.get("language") or "sv"
    if lang not in _HEADER_WORDS:
        lang = "sv"
    w = _HEADER_WORDS[lang]
    items = [title] if title else []
    if res.get("generated"):
        items.append(f"{w['date']} {res['generated']}")
    if res.get("kit_version"):
        items.append(f"{w['kit']} {res['kit_version']}")
    for iid, ver in _instruments_of(sections_of(res) if res else {}):
        items.append(f"{w['instrument']} {iid} {w['version']} {ver}".replace("  ", " "))
    return {"language": lang, "title": title or "", "kit_version": res.get("kit_version", ""), "header": items,
            "toc": w["toc"]}


_HEADING = re.compile(r"<h([1-3])([^>]*)>(.*?)</h\1>", re.S)


def _slug(text: str, used: set) -> str:
    base = re.sub(r"[^\w]+", "-", re.sub(r"<[^>]+>", "", text).strip().lower()).strip("-") or "avsnitt"
    slug, i = base, 2
    while slug in used:
        slug, i = f"{base}-{i}", i + 1
    used.add(slug)
    return slug


def add_contents(body: str, *, label: str) -> str:
    """Give every h1–h3 an id and put a table of contents (the h2 headings) where the template marks it.

    >>> out = add_contents("<!--dmkit:toc--><h1>R</h1><h2>Första delen</h2><h2 id='x'>B</h2>", label="Innehåll")
    >>> 'href="#första-delen"' in out and 'href="#x"' in out and "<p>Innehåll</p>" in out
    True
    """
    used: set = set()
    entries = []

    def fix(m: re.Match) -> str:
        level, attrs, inner = m.group(1), m.group(2), m.group(3)
        inner = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", inner, flags=re.S)
        found = re.search(r"""id=["']([^"']+)["']""", attrs)
        hid = found.group(1) if found else _slug(inner, used)
        if not found:
            attrs = f'{attrs} id="{hid}"'
        if level == "2":
            entries.append((hid, re.sub(r"<[^>]+>", "", inner).strip()))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    body = _HEADING.sub(fix, body)
    import html as _html

    toc = ""
    if entries:
        li = "".join(f'<li><a href="#{_html.escape(h, quote=True)}">{t}</a></li>' for h, t in entries)
        toc = f'<nav class="dm-toc" aria-label="{_html.escape(label)}"><p>{_html.escape(label)}</p><ol>{li}</ol></nav>'
    return body.replace("<!--dmkit:toc-->", toc, 1)


def export_html(notebook_path: str | Path, html_path: str | Path | None = None, *, title: str | None = None,
                results: Mapping[str, Any] | str | Path | None = None) -> Path:
    """Export an executed notebook to self-contained HTML with the kit's template (no code cells).

    ``results``: the report's results.json (a mapping or its path; default: ``results.json`` beside the
    notebook) for the header: ``<html lang>``, date, kit and instrument versions.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb_path = Path(notebook_path)
    nb = nbformat.read(str(nb_path), as_version=4)
    # cells tagged "remove" (parameters, plumbing) are dropped entirely
    nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])
                and "parameters" not in c.get("metadata", {}).get("tags", [])
                and "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    if results is None:
        results = nb_path.parent / "results.json"
    if not isinstance(results, Mapping):
        results = read_results(results) if Path(results).is_file() else {}
    header = report_header(results, title=title)
    nb.metadata["dmkit"] = header
    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(template_dir())])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    if title:
        nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    # self-contained: no script from a CDN (MathJax, require.js) — reports are read offline too
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = add_contents(body, label=header["toc"])
    out = Path(html_path) if html_path else nb_path.with_suffix(".html")
    out.write_text(body, encoding="utf-8")
    return out


# -- PDF and slides, for every report ---------------------------------------------------

def find_chromium() -> str | None:
    """The system Chromium (or Chrome) on PATH, or None."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def export_pdf(html_path: str | Path, pdf_path: str | Path | None = None, *, timeout: float = 180) -> Path:
    """Print the report HTML to an A4 PDF beside it, with the system's headless Chromium.

    Why Chromium and not WeasyPrint: it is already what the tests render the HTML with (``make test``
    installs Debian's ``chromium``; ``make system-deps`` does it alone), it lays out the page exactly as
    a reader's browser does, and it honours the template's ``@page { size: A4 }`` and
    ``break-after: avoid`` rules. WeasyPrint would add a second layout engine (and pango/cairo system
    libraries) whose CSS support differs from the screen. Without Chromium this raises
    :class:`ReportError` saying how to install it.
    """
    return _start_pdf(html_path, pdf_path, timeout=timeout)()


def _start_pdf(html_path: str | Path, pdf_path: str | Path | None = None, *, timeout: float = 180) -> Any:
    """Start Chromium printing; the returned function waits for it and gives the PDF's path (or raises
    :class:`ReportError`). In between, the caller can do other work (the slide deck) while Chromium runs."""
    import subprocess
    import tempfile

    html = Path(html_path).resolve()
    out = Path(pdf_path) if pdf_path else html.with_suffix(".pdf")
    exe = find_chromium()
    if exe is None:
        raise ReportError("--pdf needs Chromium to print the report: install it (Debian/Ubuntu: "
                          "sudo apt-get install chromium, or run make system-deps) and run the command again.")
    profile = tempfile.TemporaryDirectory(prefix="dmkit-pdf-")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-extensions", f"--user-data-dir={profile.name}", "--no-pdf-header-footer",
           "--print-to-pdf-no-header", f"--print-to-pdf={out.resolve()}", html.as_uri()]
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # no pipe to fill up unread
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)

    def finish() -> Path:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise ReportError(f"Chromium did not finish printing {html.name} within {timeout:.0f} s.") from None
        finally:
            profile.cleanup()
            log.seek(0)
            err = log.read()
            log.close()
        if not out.is_file() or out.stat().st_size == 0:
            tail = (err or "").strip().splitlines()[-1:] or ["no message"]
            raise ReportError(f"Chromium could not print {html.name} to PDF: {tail[0]}")
        return out

    return finish


def figure_alts(figures_dir: str | Path) -> dict[str, str]:
    """name → alt text of the figures a report saved (``figures/figures.json``)."""
    index = Path(figures_dir) / "figures.json"
    return json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}


def saved_figures(output_dir: str | Path) -> dict[str, str]:
    """name → 300-dpi PNG path of the figures in ``output_dir/figures``, in the order they were made."""
    folder = Path(output_dir) / "figures"
    names = list(figure_alts(folder))
    return {n: str(folder / f"{n}.png") for n in names if (folder / f"{n}.png").is_file()}


#: 16:9 slide size in EMU (13.333 × 7.5 inches)
_SLIDE_W, _SLIDE_H = 12192000, 6858000
#: control characters (CR among them) a user's name can bring: python-pptx shows them as "_x000D_"
#: and refuses them in a slide's name (lxml: not XML compatible)
_SLIDE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _slide_text(value: Any) -> str:
    """Text for a slide as the reader should see it: control characters become spaces (tab and line end stay).

    >>> _slide_text("Solvik\\r\\x1bkommun\\t2025")
    'Solvik  kommun\\t2025'
    """
    return _SLIDE_CONTROL.sub(" ", str(value))


def write_slides(slides: list[Mapping[str, Any]], path: str | Path, *, footer: str = "") -> Path:
    """A PowerPoint deck (python-pptx), one message per slide.

    ``slides``: dicts ``title``, ``message`` (one sentence, shown large), ``bullets`` (short lines under it)
    and ``image`` (PNG path or None, placed below the message and scaled to fit). The message is also the
    slide's speaker notes, so it is read out as written. ``footer``: small text on every slide
    (e.g. source and date).
    """
    from pptx import Presentation
    from pptx.util import Emu, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(_SLIDE_W), Emu(_SLIDE_H)
    blank = prs.slide_layouts[6]
    margin = Emu(457200)  # 0.5 inch
    width = prs.slide_width - 2 * margin

    def box(slide, top, height, text, size, bold=False, color=None):
        tb = slide.shapes.add_textbox(margin, top, width, height)
        tf = tb.text_frame
        tf.word_wrap = True
        lines = text if isinstance(text, list) else [text]
        for k, line in enumerate(lines):
            para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            para.text = _slide_text(line)
            for run in para.runs:
                run.font.size = Pt(size)
                run.font.bold = bold
                if color is not None:
                    from pptx.dml.color import RGBColor

                    run.font.color.rgb = RGBColor(*color)
        return tb

    for spec in slides:
        slide = prs.slides.add_slide(blank)
        slide.name = " ".join(_slide_text(spec.get("kind") or spec.get("title", "")).split())[:60]
        box(slide, Emu(300000), Emu(700000), spec.get("title", ""), 30, bold=True, color=(0x1F, 0x4E, 0x8C))
        msg = spec.get("message", "")
        # python-pptx cannot measure text: estimate the lines (≈ 95 characters of 20 pt per 12.3-inch line)
        msg_lines = max(1, -(-len(msg) // 95))
        msg_h = Emu(int(msg_lines * 0.36 * 914400))
        box(slide, Emu(1050000), msg_h, msg, 20)
        top = Emu(1050000 + msg_h + 150000)
        bullets = list(spec.get("bullets") or [])
        if bullets:
            n_lines = sum(max(1, -(-len(b) // 130)) for b in bullets)
            size = 14 if n_lines <= 16 else 12
            box(slide, top, prs.slide_height - top - Emu(450000), ["• " + b for b in bullets], size)
        image = spec.get("image")
        if image and Path(image).is_file():
            from PIL import Image

            with Image.open(image) as im:
                w, h = im.size
            avail_w, avail_h = width, prs.slide_height - top - Emu(450000)
            scale = min(avail_w / w, avail_h / h)
            pw, ph = int(w * scale), int(h * scale)
            slide.shapes.add_picture(str(image), int((prs.slide_width - pw) / 2), top, pw, ph)
        if footer:
            box(slide, prs.slide_height - Emu(400000), Emu(300000), footer, 10, color=(0x5B, 0x5B, 0x66))
        slide.notes_slide.notes_text_frame.text = _slide_text(msg)
    out = Path(path)
    prs.save(str(out))
    return out


def report_outputs(kind: str, run: "ReportRun", *, pdf: bool = False, slides: bool = False) -> dict[str, Path]:
    """The optional outputs of every report, made from what the run wrote (HTML, results.json, figures/):
    the A4 PDF beside the HTML and the slide deck of ``report_class(kind).slide_plan``."""
    out: dict[str, Path] = {}
    printing = _start_pdf(run.html) if pdf else None  # Chromium prints while the deck is built
    if slides:
        from evaluation.reports.base import BOARD_FILE, REPORTS, Report, report_class

        results = read_results(run.results)
        cls = report_class(kind) if kind in REPORTS else Report  # the default plan: one slide per figure
        board_file = run.html.parent / "figures" / BOARD_FILE
        board = json.loads(board_file.read_text(encoding="utf-8")) if board_file.is_file() else []
        plan = cls.slide_plan(results, figures=saved_figures(run.html.parent), board=board)
        footer = " · ".join(report_header(results)["header"])
        try:
            out["slides"] = write_slides(plan, run.html.with_suffix(".pptx"), footer=footer)
        except BaseException:
            if printing is not None:
                printing()
            raise
    if printing is not None:
        out = {"pdf": printing(), **out}
    return out


def _step_of(nb: Any, index: int) -> str:
    cell = nb.cells[index]
    step = cell.get("metadata", {}).get("step")
    if step:
        return str(step)
    for c in reversed(nb.cells[:index]):
        if c.cell_type == "markdown" and "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", []):
            m = re.search(r"^#+\s*(.+)$", c.source, flags=re.M)
            if m:
                return m.group(1).strip()
    return f"cell {index}"


def _plain_error(evalue: str) -> str:
    ev = (evalue or "").strip()
    return ev.splitlines()[0] if ev else "unknown error"


def notebook_failure(exc: Any, executed: str | Path) -> ReportError:
    """Turn papermill's execution error into one plain :class:`ReportError`.

    The message names the step that failed (the failing cell's ``step``
    metadata, or its nearest heading), the first line of the error, and the
    executed notebook with the details.
    """
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    failed = [i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("papermill", {}).get("exception")]
    step = _step_of(nb, failed[0]) if failed else f"cell {getattr(exc, 'cell_index', '?')}"
    msg = f"The step '{step}' failed: {_plain_error(getattr(exc, 'evalue', str(exc)))} (details: {executed})"
    return ReportError(msg, step=step, notebook=str(executed))


#: the kernel's own log kept to errors: a local kernel's notice that it talks over TCP on the loopback
#: is not for the person running a report (it printed mid-progress-bar)
KERNEL_QUIET = ["--IPKernelApp.log_level=40"]


def run_notebook(
    notebook: str | Path,
    parameters: Mapping[str, Any],
    output_dir: str | Path,
    *,
    name: str | None = None,
    progress: bool = True,
    kernel_name: str | None = None,
    title: str | None = None,
) -> ReportRun:
    """Execute ``notebook`` with papermill and export HTML beside it.

    Parameters
    ----------
    notebook : path or name
        A path, or the file name of a notebook in ``notebooks/``.
    parameters : mapping
        Papermill parameters (``output_dir`` is added when missing).
    output_dir : path
        Receives ``<name>.ipynb``, ``<name>.html`` and (written by the notebook)
        ``results.json``.
    progress : bool
        Show papermill's per-cell progress bar.

    Raises
    ------
    ReportError
        With a plain message naming the step that failed and the executed
        notebook for details.
    """
    import papermill as pm

    nb_in = Path(notebook)
    if not nb_in.exists():
        nb_dir = resource_dir("notebooks")
        nb_in = nb_dir / str(notebook)
        if not nb_in.exists():
            raise ReportError(f"Notebook {notebook!s} not found (looked in {nb_dir}).")
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = name or nb_in.stem
    nb_out = out_dir / f"{stem}.ipynb"
    params = dict(parameters)
    params.setdefault("output_dir", str(out_dir))
    t0 = time.perf_counter()
    from evaluation.reports.figure_files import BACKGROUND_ENV

    before = os.environ.get(BACKGROUND_ENV)
    os.environ[BACKGROUND_ENV] = "1"  # the kernel writes the figures' print files in a background process
    try:
        pm.execute_notebook(str(nb_in), str(nb_out), parameters=params, progress_bar=progress,
                            kernel_name=kernel_name or runner_kernel(), cwd=str(Path.cwd()), log_output=False,
                            extra_arguments=KERNEL_QUIET)
    except pm.PapermillExecutionError as exc:
        raise notebook_failure(exc, nb_out) from None
    finally:
        if before is None:
            os.environ.pop(BACKGROUND_ENV, None)
        else:
            os.environ[BACKGROUND_ENV] = before
    t_exec = time.perf_counter() - t0
    html = export_html(nb_out, out_dir / f"{stem}.html", title=title)
    total = time.perf_counter() - t0
    return ReportRun(notebook=nb_out, html=html, results=out_dir / "results.json", seconds=total,
                     timings={"execute": t_exec, "export": total - t_exec})


# -- parameters and commands shared by every report -------------------------------------

LANGUAGES = ("sv", "en")


def file_parameter(name: str, value: Any, *, optional: bool = False) -> str | None:
    """Check a file parameter of a report; ``None`` for an empty optional one.

    >>> file_parameter("benchmark", "", optional=True) is None
    True
    >>> file_parameter("responses", "nope.csv")
    Traceback (most recent call last):
    ...
    ValueError: Parameter 'responses': the file 'nope.csv' does not exist. Check the path and spelling.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if optional:
            return None
        raise ValueError(f"Parameter {name!r} is empty: give the path of the survey export (CSV, XLSX or SAV).")
    p = Path(str(value))
    if not p.exists() and not p.is_absolute() and p.parts[:1] == ("data_samples",):
        # a notebook opened in JupyterLab runs in notebooks/: the sample defaults still resolve
        root = resource_dir("notebooks").parent
        if (root / p).exists():
            p = root / p
    if not p.exists():
        raise ValueError(f"Parameter {name!r}: the file {str(p)!r} does not exist. Check the path and spelling.")
    if p.is_dir():
        raise ValueError(f"Parameter {name!r}: {str(p)!r} is a folder; give a file.")
    return str(p)


def read_options_parameters(mapping: Any = "", format: Any = "") -> tuple[str, str]:
    """Check the ``mapping`` file and survey-tool ``format`` parameters every report's reading takes.

    Empty strings mean: the mapping file beside each export (``FILE.mapping.yaml``), if any, and the tool
    detected from the file's shape.

    >>> read_options_parameters("", "netigate")
    ('', 'netigate')
    >>> read_options_parameters("", "typeform")
    Traceback (most recent call last):
    ...
    ValueError: Parameter 'format': 'typeform' is not a survey tool the kit reads; give one of surveymonkey, qualtrics, limesurvey, msforms, googleforms, netigate, esmaker, spss, excel_handkept, plain (or leave it empty to detect the tool).
    """
    from evaluation.data.readers import ADAPTERS, resolve_format

    m = file_parameter("mapping", mapping, optional=True) or ""
    f = str(format or "").strip()
    if f:
        try:
            f = resolve_format(f)
        except ValueError:
            raise ValueError(f"Parameter 'format': {f!r} is not a survey tool the kit reads; give one of "
                             f"{', '.join(ADAPTERS)} (or leave it empty to detect the tool).") from None
    return m, f


def read_export(path: str, instrument: Any, params: Any):
    """``read_responses`` with the report's ``mapping`` and ``format`` parameters (empty: none given)."""
    from evaluation.data.responses import read_responses

    return read_responses(path, instrument, getattr(params, "mapping", "") or None,
                          format=getattr(params, "format", "") or None)


def add_read_options(parser: Any, *, side: str = "", what: str = "the file") -> None:
    """The ``--format`` and ``--mapping`` options of every command that reads an export; with ``side``
    (``"a"``/``"b"``) the pair ``--format-a``/``--mapping-a`` for one of several exports (``what``)."""
    from evaluation.data.readers import ADAPTERS

    tail = f"-{side}" if side else ""
    parser.add_argument(f"--format{tail}", metavar="TOOL", default="",
                        help=f"survey tool that wrote {what}, instead of detecting it, e.g. --format{tail} netigate; "
                             "one of " + ", ".join(ADAPTERS))
    parser.add_argument(f"--mapping{tail}", metavar="M.yaml", default="",
                        help=f"mapping file for {what} (columns, answer codes, unit spellings); default "
                             f"FILE.mapping.yaml beside the export, if there is one; e.g. --mapping{tail} "
                             "netigate_2025.mapping.yaml")


def add_output_options(parser: Any, *, stem: str, slides: bool = True) -> None:
    """The ``--pdf`` and ``--slides`` options of the report commands (``stem``: the HTML's file name).

    ``slides=False`` for a report that is not put before a board (the researcher's psychometric review).
    """
    parser.add_argument("--pdf", action="store_true",
                        help=f"also write an A4 PDF beside the HTML ({stem}.pdf; needs chromium), e.g. --pdf")
    if slides:
        parser.add_argument("--slides", action="store_true",
                            help=f"also write a PowerPoint deck for the board ({stem}.pptx), e.g. --slides")


def instrument_parameter(value: Any, *, name: str = "instrument"):
    """Load the instrument a report parameter names; a plain ``ValueError`` otherwise."""
    from evaluation.data.instruments import InstrumentError, load_instrument

    try:
        return load_instrument(str(value))
    except InstrumentError as exc:
        raise ValueError(f"Parameter {name!r}: {exc}") from None


def instrument_reference(value: Any, instrument: Any) -> str:
    """What a report's checked parameters keep of its instrument: the id of a shipped one, the file of a
    user's own (the notebook re-loads it from this, and only shipped instruments are found by id).

    >>> from evaluation.data.instruments import load_instrument
    >>> instrument_reference("dual_maturity", load_instrument("dual_maturity"))
    'dual_maturity'
    """
    return instrument.id if str(value) == instrument.id or not instrument.path else str(instrument.path)


def language_parameter(value: Any) -> str:
    """``"sv"`` or ``"en"``; a plain ``ValueError`` otherwise."""
    if value not in LANGUAGES:
        raise ValueError(f"Parameter 'language' must be 'sv' (Swedish) or 'en' (English), not {value!r}.")
    return str(value)


def min_group_size_parameter(value: Any) -> int:
    """A whole number ≥ 1; a plain ``ValueError`` naming the parameter otherwise."""
    from evaluation.privacy import check_min_group_size

    try:
        return check_min_group_size(value)
    except ValueError as exc:
        raise ValueError(f"Parameter 'min_group_size': {exc}") from None


def run_report_command(*, notebook: str, name: str, params: Mapping[str, Any], validate,
                       quiet: bool = False, title: str | None = None, what: str = "report",
                       kind: str | None = None, pdf: bool = False, slides: bool = False) -> int:
    """What every report command does: check parameters, run the notebook, say where the files are.

    Returns the exit code: 0, or 1 after one plain message on standard error
    (a bad parameter, or the step of the notebook that failed). With ``pdf``/``slides`` (and the
    report's registry ``kind``) the A4 PDF and the slide deck are written beside the HTML.
    """
    import sys

    print("[1/3] Checking parameters and data …", flush=True)
    try:
        validate(**params)
    except ValueError as exc:
        print(f"dmkit: {exc}", file=sys.stderr)
        return 1
    print(f"[2/3] Running the {what} notebook …", flush=True)
    try:
        run = run_notebook(notebook, params, params["output_dir"], name=name, progress=not quiet, title=title)
    except ReportError as exc:
        print(f"dmkit: {exc}", file=sys.stderr)
        return 1
    extra: dict[str, Path] = {}
    if pdf or slides:
        t0 = time.perf_counter()
        try:
            extra = report_outputs(kind or name, run, pdf=pdf, slides=slides)
        except (ReportError, ValueError) as exc:
            print(f"dmkit: {exc}", file=sys.stderr)
            return 1
        run = ReportRun(notebook=run.notebook, html=run.html, results=run.results,
                        seconds=run.seconds + time.perf_counter() - t0, timings=run.timings)
    lines = "".join(f"\n  {k + ':':<9} {v}" for k, v in extra.items())
    print(f"[3/3] Done in {run.seconds:.1f} s:\n  report:   {run.html}\n  numbers:  {run.results}\n"
          f"  notebook: {run.notebook}{lines}")
    return 0

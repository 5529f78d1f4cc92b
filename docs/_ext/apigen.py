"""Sphinx extension: one API page per public name, generated from ``evaluation.__all__``.

At ``builder-inited`` it writes ``docs/api/generated/``: an index grouped by the module that
defines each name (``evaluation._API`` says which) and one page per name with its autodoc
entry, so a name another module adds to the flat API gets its page without editing the docs.
At ``build-finished`` it checks that every public name has its HTML page; a missing one is a
warning, and ``make docs`` turns warnings into errors.
"""

from __future__ import annotations

import importlib
import inspect
from collections import defaultdict
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

OUT = "api/generated"

#: Headings of the index sections, by the module path's second part (evaluation.<part>...).
SECTIONS = {
    "data": "Data: instruments and survey exports",
    "scoring": "Scoring",
    "stats": "Statistics",
    "privacy": "Disclosure control",
    "plots": "Figures",
    "text": "Text and number formatting",
    "criteria": "Published cut-offs",
    "reports": "Reports",
    "run": "Batch runs and the national benchmark",
    "simulate": "Synthetic data",
    "admin": "Templates and initiatives",
}


def public_api() -> dict[str, str]:
    """``{public name: defining module}`` for every name in ``evaluation.__all__``.

    Before the flat API existed the package had only modules with their own ``__all__``;
    then every module's names are listed.
    """
    ev = importlib.import_module("evaluation")
    names = [n for n in getattr(ev, "__all__", []) if not n.startswith("_")]
    table = getattr(ev, "_API", None)
    if names:
        out = {}
        for n in names:
            mod = table.get(n) if isinstance(table, dict) else None
            out[n] = mod or getattr(getattr(ev, n), "__module__", "evaluation")
        return out
    out = {}
    import pkgutil

    for info in pkgutil.iter_modules(ev.__path__):
        if info.name in {"cli"} or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"evaluation.{info.name}")
        for n in getattr(mod, "__all__", []):
            out.setdefault(n, mod.__name__)
    return out


def _section(module: str) -> str:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "evaluation"
    return SECTIONS.get(key, "Other")


def _page(name: str, module: str) -> str:
    ev = importlib.import_module("evaluation")
    obj = getattr(ev, name, None)
    if obj is None:
        obj = getattr(importlib.import_module(module), name)
        target = f"{module}.{name}"
    else:
        target = f"evaluation.{name}"
    if inspect.isclass(obj):
        directive = f".. autoclass:: {target}\n   :members:\n   :show-inheritance:\n"
    elif callable(obj):
        directive = f".. autofunction:: {target}\n"
    else:
        directive = f".. autodata:: {target}\n   :annotation:\n"
    title = f"ev.{name}" if target.startswith("evaluation.") and target.count(".") == 1 else target
    return (f"{title}\n{'=' * len(title)}\n\n"
            f"Defined in ``{module}``; public as ``evaluation.{name}`` (``import evaluation as ev``).\n\n"
            f"{directive}")


def write_pages(srcdir: Path) -> dict[str, str]:
    """Write the index and one page per public name under ``srcdir/api/generated``."""
    api = public_api()
    out = srcdir / OUT
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.rst"):
        old.unlink()
    groups: dict[str, list[str]] = defaultdict(list)
    for name, module in api.items():
        groups[_section(module)].append(name)
        (out / f"{name}.rst").write_text(_page(name, module), encoding="utf-8")
    order = list(SECTIONS.values()) + ["Other"]
    lines = ["API reference", "=============", "",
             "Every public name of the kit, as ``import evaluation as ev; ev.NAME``. This page and the",
             "pages below are generated from ``evaluation.__all__`` when the docs are built.", ""]
    for title in sorted(groups, key=order.index):
        lines += [title, "-" * len(title), "", ".. toctree::", "   :maxdepth: 1", ""]
        lines += [f"   {n}" for n in sorted(groups[title], key=str.lower)]
        lines.append("")
    (out / "index.rst").write_text("\n".join(lines), encoding="utf-8")
    return api


def _on_builder_inited(app) -> None:
    app.env.dmkit_api = write_pages(Path(app.srcdir))
    logger.info(f"apigen: {len(app.env.dmkit_api)} API pages")


def _on_build_finished(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    api = public_api()
    missing = [n for n in api if not (Path(app.outdir) / OUT / f"{n}.html").is_file()]
    if missing:
        logger.warning(f"apigen: no API page for {', '.join(missing)}")


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("build-finished", _on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

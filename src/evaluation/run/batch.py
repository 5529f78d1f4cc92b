"""Run the round report for many municipalities at once (``dmkit batch DIR``).

A batch folder holds one sub-folder per municipality, each with a
``params.yaml`` (written by ``dmkit new-municipality``) whose keys are the
round report's parameters, paths relative to the folder::

    responses: data/svar_2025.xlsx
    instrument: dual_maturity
    municipality: Solvik kommun
    round_label: "2025"
    previous_responses: ""
    benchmark: ""
    population_size: 0
    min_group_size: 5
    language: sv
    output_dir: rapport
    municipality_group: B4          # optional, SKR kommungrupp 2017 (for benchmark and overview)
    population: 42000               # optional, inhabitants (size class)

How it is fast
--------------
A single ``dmkit round`` spends most of its time starting a Jupyter kernel and
importing the stack (pandas, scipy, matplotlib, the kit). Here each worker
process starts **one kernel and keeps it alive**: every report is executed by
papermill in that warm kernel (the namespace is cleared with ``%reset -f``
before each report, so nothing of one municipality can reach another's
report), then exported with the same :func:`evaluation.reports.protocol.export_html`.
The executed notebook, HTML and ``results.json`` are therefore the ones
``dmkit round`` writes for the same parameters. Workers run in parallel
(default: one per core).

Failures never stop the batch: a folder whose parameters are wrong (checked
by :func:`evaluation.reports.round.validate_round_parameters`) or whose notebook fails
(:class:`evaluation.reports.protocol.ReportError`) is listed at the end with its
plain-language reason, and in ``DIR/index.html``.

``DIR/index.html`` links every report and shows a national overview: the
distribution of maturity per dimension by municipality group (groups with
fewer than 5 municipalities are pooled as "other groups" so no single
organisation stands out). Figures are embedded as base64 PNG.

Examples
--------
>>> from evaluation.run.batch import size_class, SKR_GROUPS
>>> size_class(42000), SKR_GROUPS["C8"]["sv"]
('15-50k', 'Landsbygdskommun')
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote

import pandas as pd

from evaluation.data.municipalities import SIZE_CLASSES, SKR_GROUPS, normalise_group, size_class  # noqa: F401
from evaluation.reports.envelope import sections_of

__all__ = [
    "SKR_GROUPS",
    "SIZE_CLASSES",
    "size_class",
    "normalise_group",
    "ROUND_PARAMETERS",
    "MunicipalityFolder",
    "BatchResult",
    "load_folder",
    "find_folders",
    "run_batch",
    "national_summary",
    "overview_figure",
    "write_index",
    "add_cli",
]

#: The round report's parameters (names of the notebook's parameters cell).
ROUND_PARAMETERS = ("responses", "instrument", "municipality", "round_label", "previous_responses", "benchmark",
                    "population_size", "min_group_size", "language", "output_dir", "mapping", "format")
_PATH_PARAMS = ("responses", "previous_responses", "benchmark", "mapping")
_EXTRA_KEYS = ("municipality_group", "population")


# -- folders -------------------------------------------------------------------------

@dataclass(frozen=True)
class MunicipalityFolder:
    """One municipality folder of a batch: resolved report parameters and descriptors."""

    folder: Path
    params: Mapping[str, Any]
    municipality_group: str | None = None
    population: int | None = None

    @property
    def name(self) -> str:
        return str(self.params.get("municipality") or self.folder.name)

    @property
    def output_dir(self) -> Path:
        return Path(self.params["output_dir"])

    @property
    def size(self) -> str | None:
        return size_class(self.population)


def load_folder(folder: str | Path) -> MunicipalityFolder:
    """Read ``folder/params.yaml`` and resolve its paths against the folder.

    Raises ``ValueError`` naming the file and key when the YAML is missing or
    malformed (unknown keys, an unknown municipality group, a bad population).
    """
    import yaml

    folder = Path(folder).resolve()
    p = folder / "params.yaml"
    if not p.exists():
        raise ValueError(f"{p}: params.yaml is missing; create the folder with `dmkit new-municipality` "
                         "or write params.yaml with the round report's parameters.")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{p}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{p}: expected 'key: value' lines (the round report's parameters).")
    unknown = sorted(set(doc) - set(ROUND_PARAMETERS) - set(_EXTRA_KEYS))
    if unknown:
        raise ValueError(f"{p}: unknown key(s) {unknown}; allowed: {', '.join(ROUND_PARAMETERS + _EXTRA_KEYS)}.")
    params: dict[str, Any] = {"municipality": folder.name, "round_label": "", "previous_responses": "",
                              "benchmark": "", "population_size": 0, "min_group_size": 5, "language": "sv",
                              "output_dir": "rapport", "mapping": "", "format": ""}
    params.update({k: v for k, v in doc.items() if k in ROUND_PARAMETERS})
    for k in _PATH_PARAMS:
        v = params.get(k)
        if v is not None and str(v).strip():
            params[k] = str((folder / str(v)).resolve()) if not Path(str(v)).is_absolute() else str(v)
        elif k != "responses":
            params[k] = ""
    params["output_dir"] = str(_inside(folder, params["output_dir"] or "rapport", where=f"{p}: output_dir"))
    params["round_label"] = "" if params["round_label"] is None else str(params["round_label"])
    params["format"] = "" if params["format"] is None else str(params["format"])
    params["population_size"] = params["population_size"] or 0
    group = normalise_group(doc.get("municipality_group"), where=f"{p}: municipality_group")
    params["municipality_group"] = group or ""  # the report also compares within the group
    pop = doc.get("population")
    if pop is not None and str(pop).strip():
        size_class(pop)  # raises with a plain message
        pop = int(float(str(pop).replace(" ", "")))
    else:
        pop = None
    return MunicipalityFolder(folder=folder, params=params, municipality_group=group, population=pop)


def _inside(folder: Path, value: Any, *, where: str) -> Path:
    """``value`` resolved against ``folder``; a ``ValueError`` naming ``where`` when it leaves the folder.

    A params.yaml is data someone else may have written: its ``output_dir`` must not make the batch write
    (or overwrite) files outside that municipality's folder (``../../etc``, an absolute path, a symlink out).

    >>> _inside(Path("/k/solvik"), "rapport/2025", where="output_dir").as_posix()
    '/k/solvik/rapport/2025'
    >>> _inside(Path("/k/solvik"), "../norrby", where="params.yaml: output_dir")
    Traceback (most recent call last):
    ...
    ValueError: params.yaml: output_dir '../norrby' is outside the municipality's folder /k/solvik; give a folder inside it, e.g. rapport.
    """
    target = (folder / str(value)).resolve()
    if target != folder and folder not in target.parents:
        raise ValueError(f"{where} {str(value)!r} is outside the municipality's folder {folder}; "
                         "give a folder inside it, e.g. rapport.")
    return target


def find_folders(directory: str | Path) -> list[Path]:
    """Municipality folders of a batch: sub-folders (not starting with ``.`` or ``_``), sorted."""
    d = Path(directory)
    if not d.is_dir():
        raise ValueError(f"{d}: not a folder; give the folder that holds one sub-folder per municipality.")
    return sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


# -- the warm-kernel worker ------------------------------------------------------------

_KERNEL: dict[str, Any] = {}
_ENGINE = "dmkit_warm_kernel"


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine, executing in this process's long-lived kernel."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=_KERNEL["km"], **final)
            client.kc = _KERNEL["kc"]  # reuse the channels: the client neither starts nor stops them
            return client.execute()

    papermill_engines.register(_ENGINE, WarmKernelEngine)


def _start_kernel() -> None:
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    import subprocess

    km = AsyncKernelManager(kernel_name="python3")
    # the kernel's own start-up chatter would break the progress bar; failures are reported per folder
    run_sync(km.start_kernel)(cwd=os.getcwd(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    run_sync(kc.wait_for_ready)(timeout=120)
    _KERNEL.update(km=km, kc=kc, runs=0)
    if "engine" not in _KERNEL:
        _register_engine()
        _KERNEL["engine"] = True
        from multiprocessing import util

        util.Finalize(None, _stop_kernel, exitpriority=100)


def _stop_kernel() -> None:
    from jupyter_core.utils import run_sync

    km, kc = _KERNEL.pop("km", None), _KERNEL.pop("kc", None)
    try:
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # pragma: no cover - best effort at exit
        pass


def _reset_namespace() -> None:
    """Clear the kernel's user namespace (modules stay imported) before the next report."""
    from jupyter_core.utils import run_sync

    kc = _KERNEL["kc"]

    async def go():
        msg_id = kc.execute("get_ipython().run_line_magic('reset', '-f')", silent=True, store_history=False)
        while True:
            reply = await kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    run_sync(go)()


def _run_warm(params: Mapping[str, Any], *, title: str, recycle_after: int = 200) -> dict:
    """Execute the round report for ``params`` in this process's warm kernel (worker side)."""
    import papermill as pm

    from evaluation.reports.protocol import NOTEBOOK_DIR, export_html, notebook_failure

    t0 = time.perf_counter()
    out = Path(params["output_dir"])
    out.mkdir(parents=True, exist_ok=True)
    nb_out = out / "round_report.ipynb"
    for attempt in (1, 2):
        if "km" not in _KERNEL or _KERNEL.get("runs", 0) >= recycle_after:
            if "km" in _KERNEL:
                _stop_kernel()
            _start_kernel()
        try:
            _reset_namespace()
            _KERNEL["runs"] += 1
            pm.execute_notebook(str(NOTEBOOK_DIR / "round_report.ipynb"), str(nb_out), parameters=dict(params),
                                progress_bar=False, kernel_name="python3", cwd=os.getcwd(), log_output=False,
                                engine_name=_ENGINE)
            break
        except pm.PapermillExecutionError as exc:
            return {"ok": False, "reason": str(notebook_failure(exc, nb_out)), "seconds": time.perf_counter() - t0}
        except Exception as exc:  # the kernel died or hung: start a fresh one and try once more
            _stop_kernel()
            if attempt == 2:
                return {"ok": False, "reason": f"the report could not run ({exc.__class__.__name__}: {exc})",
                        "seconds": time.perf_counter() - t0}
    html_path = export_html(nb_out, out / "round_report.html", title=title)
    return {"ok": True, "html": str(html_path), "results": str(out / "results.json"),
            "seconds": time.perf_counter() - t0}


def _job(folder: str, params: Mapping[str, Any], title: str) -> dict:
    try:
        r = _run_warm(params, title=title)
    except Exception as exc:  # never let one folder stop the batch
        r = {"ok": False, "reason": f"{exc.__class__.__name__}: {exc}", "seconds": 0.0}
    r["folder"] = folder
    return r


# -- the batch -----------------------------------------------------------------------

@dataclass(frozen=True)
class BatchResult:
    """Outcome of a batch: one row per folder (``folder``, ``municipality``, ``ok``, ``reason``, ...)."""

    directory: Path
    table: pd.DataFrame
    index: Path | None
    seconds: float
    workers: int
    failures: pd.DataFrame = field(repr=False, default=None)  # type: ignore[assignment]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_batch(
    directory: str | Path,
    *,
    workers: int | None = None,
    benchmark: str | Path | None = None,
    mapping: str | Path | None = None,
    format: str | None = None,
    progress: bool = True,
    write_html_index: bool = True,
) -> BatchResult:
    """Run the round report for every municipality folder of ``directory``.

    Parameters
    ----------
    directory : path
        Folder with one sub-folder per municipality, each with ``params.yaml``.
    workers : int, optional
        Parallel workers, each with its own warm kernel (default: number of cores).
    benchmark : path, optional
        Benchmark file (``dmkit benchmark``) used for every report instead of
        the folders' own ``benchmark`` parameter.
    mapping, format : optional
        The reader's mapping file and survey tool (as ``dmkit validate --mapping/--format``) for
        every folder's export, instead of each folder's own ``mapping``/``format`` in
        ``params.yaml`` (a relative ``mapping`` there is read from the folder). Without either,
        each export's ``FILE.mapping.yaml`` beside it is used, if there is one.
    progress : bool
        One tqdm progress bar over the folders.

    Returns
    -------
    BatchResult
        ``table`` has one row per folder: ``folder``, ``municipality``,
        ``municipality_group``, ``size``, ``ok``, ``reason``, ``html``,
        ``results``, ``seconds``. Failures never raise; they are rows with
        ``ok`` False and a plain ``reason``.
    """
    from evaluation.reports.round import validate_round_parameters

    t0 = time.perf_counter()
    d = Path(directory).resolve()
    folders = find_folders(d)
    if not folders:
        raise ValueError(f"{d}: no municipality folders found (expected one sub-folder per municipality, "
                         "each with params.yaml).")
    n_workers = int(workers) if workers else _default_workers()
    if n_workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}.")
    bench = None
    if benchmark:
        bench = Path(benchmark).resolve()
        if not bench.is_file():
            raise ValueError(f"--benchmark: the file {str(benchmark)!r} does not exist.")
    common_read: dict[str, str] = {}
    if mapping:
        m = Path(mapping).resolve()
        if not m.is_file():
            raise ValueError(f"--mapping: the file {str(mapping)!r} does not exist.")
        common_read["mapping"] = str(m)
    if format:
        common_read["format"] = str(format)
    rows: dict[str, dict] = {}
    jobs: list[tuple[str, dict, str]] = []
    for f in folders:
        row = {"folder": f.name, "municipality": f.name, "municipality_group": None, "size": None, "ok": False,
               "reason": "", "html": None, "results": None, "seconds": 0.0}
        rows[f.name] = row
        try:
            mf = load_folder(f)
            row.update(municipality=mf.name, municipality_group=mf.municipality_group, size=mf.size)
            params = dict(mf.params)
            if bench is not None:
                params["benchmark"] = str(bench)
            params.update(common_read)
            validate_round_parameters(**params)
        except ValueError as exc:
            row["reason"] = str(exc)
            continue
        jobs.append((f.name, params, f"{params['municipality']} {params['round_label']}".strip()))

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(folders), desc="dmkit batch", unit="kommun")
        bar.update(len(folders) - len(jobs))
    if jobs:
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=min(n_workers, len(jobs)), mp_context=mp.get_context("spawn")) as ex:
            futs = {ex.submit(_job, name, params, title): name for name, params, title in jobs}
            for fut in as_completed(futs):
                try:
                    r = fut.result()
                except Exception as exc:  # a worker process died: name the folder, keep going
                    r = {"folder": futs[fut], "ok": False,
                         "reason": f"the worker running this report stopped ({exc.__class__.__name__}: {exc})"}
                rows[r["folder"]].update({k: v for k, v in r.items() if k != "folder"})
                if bar is not None:
                    bar.update(1)
    if bar is not None:
        bar.close()
    table = pd.DataFrame(list(rows.values()))
    index = write_index(d, table) if write_html_index else None
    return BatchResult(directory=d, table=table, index=index, seconds=time.perf_counter() - t0, workers=n_workers,
                       failures=table.loc[~table["ok"], ["folder", "municipality", "reason"]].reset_index(drop=True))


# -- national overview ---------------------------------------------------------------

def national_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Organisation-level scores of the successful reports (from their results.json).

    Returns one row per municipality: ``folder``, ``municipality``,
    ``municipality_group``, ``size``, ``n`` (accepted respondents), ``overall``
    and one column per dimension id (means; NaN where suppressed).
    """
    out = []
    for r in table.itertuples():
        if not r.ok or not r.results or not Path(r.results).exists():
            continue
        res = sections_of(json.loads(Path(r.results).read_text(encoding="utf-8")))
        row = {"folder": r.folder, "municipality": r.municipality, "municipality_group": r.municipality_group,
               "size": r.size, "instrument": res.get("instrument", {}).get("id"),
               "n": res.get("respondents", {}).get("accepted")}
        row["overall"] = res.get("overall", {}).get("mean")
        for dim, v in (res.get("dimensions") or {}).items():
            row[dim] = v.get("mean")
        out.append(row)
    return pd.DataFrame(out)


def _dimension_names(summary: pd.DataFrame, language: str) -> dict[str, str]:
    from evaluation.data.instruments import load_instrument

    names = {"overall": "Total mognad" if language == "sv" else "Overall maturity"}
    for inst_id in summary["instrument"].dropna().unique():
        try:
            inst = load_instrument(inst_id)
        except ValueError:
            continue
        for d in inst.dimension_categories():
            names[d] = inst.name_of(d, language)
    return names


def _overview_groups(summary: pd.DataFrame, *, language: str, min_orgs: int) -> tuple[pd.Series, list[str]]:
    """Group label per organisation for the overview (small groups pooled) and the groups shown, in order."""
    other = "Övriga grupper" if language == "sv" else "Other groups"
    none = "Grupp saknas" if language == "sv" else "No group"
    if not len(summary):
        return pd.Series(dtype=str), []
    g = summary["municipality_group"].astype(object).where(summary["municipality_group"].notna(), none).astype(str)
    counts = g.value_counts()
    small = set(counts[counts < min_orgs].index)
    g = g.where(~g.isin(small), other)
    order = [k for k in SKR_GROUPS if k in set(g)] + [x for x in (none, other) if x in set(g)]
    for x in (none, other):
        if x in order and (g == x).sum() < min_orgs:
            order.remove(x)
    return g, order


def overview_figure(summary: pd.DataFrame, *, language: str = "sv", min_orgs: int = 5):
    """Distribution of maturity per dimension by municipality group (small multiples).

    One panel per dimension (and overall): a box per SKR municipality group
    with the individual municipalities as dots. Groups with fewer than
    ``min_orgs`` municipalities are pooled into "other groups" (and left out
    when the pool is still smaller), so no single organisation stands out.

    Returns a matplotlib Figure.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np

    score_cols = [c for c in summary.columns if c not in ("folder", "municipality", "municipality_group", "size",
                                                          "instrument", "n")]
    score_cols = [c for c in score_cols if c != "overall"] + (["overall"] if "overall" in score_cols else [])
    names = _dimension_names(summary, language) if len(summary) else {}
    g, order = _overview_groups(summary, language=language, min_orgs=min_orgs)
    ncol = max(1, len(score_cols))
    fig, axes = plt.subplots(1, ncol, figsize=(4.2 * ncol, 0.45 * max(3, len(order)) + 1.6), sharey=True,
                             squeeze=False)
    for ax, col in zip(axes[0], score_cols):
        data = [pd.to_numeric(summary.loc[g == k, col], errors="coerce").dropna().to_numpy() for k in order]
        pos = np.arange(len(order))[::-1]
        rng = np.random.default_rng(0)
        for p, x in zip(pos, data):
            if len(x):
                ax.boxplot([x], positions=[p], orientation="horizontal", widths=0.6, showfliers=False,
                           medianprops={"color": "black"})
                ax.scatter(x, p + rng.uniform(-0.18, 0.18, len(x)), s=8, alpha=0.45, color="#1f77b4")
        if not order:
            ax.text(50, 0, "För få organisationer per grupp för en fördelning" if language == "sv" else
                    "Too few organisations per group to show a distribution", ha="center", va="center", fontsize=8)
            ax.set_ylim(-1, 1)
        ax.set_title(names.get(col, col), fontsize=10)
        ax.set_xlim(0, 100)
        ax.set_xlabel("Poäng (% av max)" if language == "sv" else "Score (% of max)")
        ax.grid(axis="x", alpha=0.3)
    labels = [f"{k} {SKR_GROUPS[k][language]} (n={int((g == k).sum())})" if k in SKR_GROUPS
              else f"{k} (n={int((g == k).sum())})" for k in order]
    axes[0][0].set_yticks(np.arange(len(order))[::-1])
    axes[0][0].set_yticklabels(labels, fontsize=8)
    if not order:
        axes[0][0].set_yticks([])
    fig.tight_layout()
    return fig


def _png_base64(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def write_index(directory: str | Path, table: pd.DataFrame, *, language: str = "sv") -> Path:
    """Write ``directory/index.html``: links to every report, failures with reasons, national overview."""
    d = Path(directory)
    sv = language == "sv"
    esc = html.escape
    summary = national_summary(table)
    parts = [f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>",
             f"<title>{'Digital mognad – samlad körning' if sv else 'Digital maturity – batch run'}</title>",
             "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}"
             ".fail{color:#a00}img{max-width:100%}</style></head><body>",
             f"<h1>{'Digital mognad – samlad körning' if sv else 'Digital maturity – batch run'}</h1>"]
    ok, failed = table[table["ok"]], table[~table["ok"]]
    parts.append(f"<p>{len(ok)} {'rapporter klara' if sv else 'reports done'}, {len(failed)} "
                 f"{'misslyckades' if sv else 'failed'}.</p>")
    if len(summary):
        parts.append(f"<h2>{'Nationell översikt' if sv else 'National overview'}</h2>")
        parts.append("<p>" + ("Fördelning av mognad per dimension och kommungrupp (SKR:s kommungruppsindelning 2017). "
                              "Varje punkt är en organisation; grupper med färre än 5 organisationer redovisas "
                              "tillsammans." if sv else
                              "Distribution of maturity per dimension by municipality group (SKR 2017). Each dot is "
                              "one organisation; groups with fewer than 5 organisations are pooled.") + "</p>")
        parts.append(f"<img alt='overview' src='data:image/png;base64,{_png_base64(overview_figure(summary, language=language))}'>")
        g, order = _overview_groups(summary, language=language, min_orgs=5)
        left_out = int((~g.isin(order)).sum())
        if left_out:
            parts.append("<p>" + (f"{left_out} organisationer i grupper som även sammanslagna har färre än 5 "
                                  "organisationer visas inte i figuren." if sv else
                                  f"{left_out} organisations in groups that have fewer than 5 organisations even when "
                                  "pooled are not shown in the figure.") + "</p>")
    if len(failed):
        parts.append(f"<h2 class='fail'>{'Misslyckades' if sv else 'Failed'}</h2><ul>")
        for r in failed.itertuples():
            parts.append(f"<li class='fail'><b>{esc(str(r.folder))}</b> ({esc(str(r.municipality))}): {esc(str(r.reason))}</li>")
        parts.append("</ul>")
    parts.append(f"<h2>{'Rapporter' if sv else 'Reports'}</h2><table><tr><th>{'Kommun' if sv else 'Municipality'}</th>"
                 f"<th>{'Kommungrupp' if sv else 'Group'}</th><th>{'Storlek' if sv else 'Size'}</th>"
                 f"<th>{'Svar' if sv else 'Responses'}</th><th>{'Total mognad' if sv else 'Overall'}</th><th></th></tr>")
    by_folder = summary.set_index("folder") if len(summary) else pd.DataFrame()
    for r in table.itertuples():
        grp = "" if r.municipality_group is None or pd.isna(r.municipality_group) else str(r.municipality_group)
        size = "" if r.size is None or pd.isna(r.size) else str(r.size)
        if r.ok:
            # the folder name is the user's: percent-encoded, a folder named "javascript:alert(1)" is a path,
            # not a script URL (html.escape alone keeps the colon, and the browser reads a scheme)
            rel = quote(Path(os.path.relpath(r.html, d)).as_posix())
            s = by_folder.loc[r.folder] if r.folder in by_folder.index else None
            n = "" if s is None or pd.isna(s["n"]) else f"{int(s['n'])}"
            o = "" if s is None or s["overall"] is None or pd.isna(s["overall"]) else f"{s['overall']:.0f} %"
            link = f"<a href='{esc(rel)}'>{'rapport' if sv else 'report'}</a>"
        else:
            n, o, link = "", "", f"<span class='fail'>{'misslyckades' if sv else 'failed'}</span>"
        parts.append(f"<tr><td>{esc(str(r.municipality))}</td><td>{esc(grp)}</td><td>{esc(size)}</td><td>{n}</td>"
                     f"<td>{o}</td><td>{link}</td></tr>")
    parts.append("</table></body></html>")
    out = d / "index.html"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


# -- CLI -----------------------------------------------------------------------------------

def _cmd(args: argparse.Namespace) -> int:
    res = run_batch(args.dir, workers=args.workers, benchmark=args.benchmark, mapping=args.mapping or None,
                    format=args.format or None, progress=not args.quiet)
    t = res.table
    n_ok = int(t["ok"].sum())
    print(f"{n_ok} of {len(t)} reports done in {res.seconds:.1f} s with {res.workers} workers; "
          f"overview: {res.index}")
    if len(res.failures):
        print(f"\n{len(res.failures)} folder(s) failed:", file=sys.stderr)
        for r in res.failures.itertuples():
            print(f"  {r.folder}: {r.reason}", file=sys.stderr)
        return 1
    return 0


def add_cli(subparsers) -> None:
    """Add ``dmkit batch DIR [--workers N] [--benchmark FILE]``."""
    s = subparsers.add_parser("batch", help="run the round report for every municipality folder in DIR")
    s.add_argument("dir", help="folder with one sub-folder per municipality (each with params.yaml), e.g. kommuner")
    s.add_argument("--workers", "-w", type=int, default=None, help="parallel workers (default: number of cores), e.g. 2")
    s.add_argument("--benchmark", help="benchmark file (dmkit benchmark) to use for every report, e.g. benchmark.csv")
    s.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    from evaluation.reports.protocol import add_read_options

    add_read_options(s)  # one survey tool / mapping for every folder's export
    s.set_defaults(func=_cmd)

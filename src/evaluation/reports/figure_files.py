"""The print files of a report's figures (300-dpi PNG and SVG in ``figures/``), written beside the run.

Drawing a figure at 300 dpi and as SVG costs about two thirds of a round report's figure time, and
nothing in the report waits for those files until the run ends (``--slides`` reads them after the
notebook). So a report run by :func:`evaluation.reports.protocol.run_notebook` hands each figure,
pickled, to one background process that writes the two files while the kernel goes on with the
next section; :meth:`evaluation.reports.base.Report.save` (the notebook's last cell) waits for it.
Anywhere else (a test, JupyterLab) the files are written at once, in the calling process, exactly
as before: the background writer is switched on only by the environment variable
:data:`BACKGROUND_ENV` that ``run_notebook`` sets for its kernel.

Both paths write the same bytes: the figure's tight box is computed once by the caller and the
worker renders the unpickled figure with the same matplotlib, fonts and rcParams.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt, tempfile, pathlib
>>> fig, ax = plt.subplots(figsize=(2, 2)); _ = ax.plot([0, 1])
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> png, svg = write_figure_files(fig, folder, name="line", alt="En linje.")
>>> wait_for_figure_files()
>>> sorted(p.name for p in folder.iterdir())
['line.png', 'line.svg']
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
from pathlib import Path
from typing import Any

__all__ = ["BACKGROUND_ENV", "PRINT_DPI", "write_figure_files", "wait_for_figure_files", "start_background_writer",
           "render_files"]

#: set to "1" in a report kernel's environment to write the print files in a background process
BACKGROUND_ENV = "DMKIT_BACKGROUND_FIGURES"
PRINT_DPI = 300
#: background processes: two, so that once the kernel is done both cores draw
WORKERS = 2

_pool: Any = None


def render_files(figure: Any, png: str | Path, svg: str | Path, *, bbox: Any, alt: str) -> None:
    """Write ``figure`` as a 300-dpi PNG (zlib level 1, alt text as its ``Title``) and as SVG;
    ``bbox``: the box in inches, or ``"tight"``."""
    meta = {"Title": alt[:200]}
    figure.savefig(png, format="png", dpi=PRINT_DPI, bbox_inches=bbox, metadata=meta,
                   pil_kwargs={"compress_level": 1})
    figure.savefig(svg, format="svg", bbox_inches=bbox, metadata=meta)


_WORKER = "import sys; from evaluation.reports.figure_files import _serve; _serve(sys.stdin.buffer, sys.stdout.buffer)"


class _Worker:
    """One background process (running :func:`_serve`) fed length-prefixed
    pickled jobs on its standard input; it answers one line per job on standard output."""

    def __init__(self) -> None:
        import subprocess
        import sys

        env = {**os.environ, "MPLBACKEND": "Agg"}
        env.pop(BACKGROUND_ENV, None)
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.jobs: list[str] = []
        self.load = 0

    def send(self, name: str, job: bytes) -> None:
        self.proc.stdin.write(len(job).to_bytes(8, "little") + job)
        self.proc.stdin.flush()
        self.jobs.append(name)
        self.load += len(job)

    def finish(self) -> list[str]:
        """Close the input, wait, and return the errors (``name: why``) of the jobs that failed."""
        out, err = self.proc.communicate()
        lines = out.decode("utf-8", "replace").splitlines()
        errors = [line[len("error "):] for line in lines if line.startswith("error ")]
        if self.proc.returncode != 0 or len(lines) < len(self.jobs):
            done = {line.split(" ", 1)[1].split(":")[0] for line in lines if " " in line}
            lost = [n for n in self.jobs if n not in done]
            errors.append(f"{', '.join(lost) or 'worker'}: the background process stopped "
                          f"(exit {self.proc.returncode}): {err.decode('utf-8', 'replace').strip()[-500:]}")
        return errors


def _serve(stdin: Any, stdout: Any) -> None:
    """The worker's loop: render each job, answer ``ok NAME`` or ``error NAME: why``."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False  # as evaluation.plots: user names are no mathtext
    import matplotlib.pyplot as plt

    from evaluation.reports.base import _tight_bbox

    while True:
        head = stdin.read(8)
        if len(head) < 8:
            return
        name, blob, png, svg, bbox, alt = pickle.loads(stdin.read(int.from_bytes(head, "little")))
        try:
            figure = pickle.loads(blob)
            render_files(figure, png, svg, bbox=_tight_bbox(figure) if bbox == "tight" else bbox, alt=alt)
            plt.close(figure)
            stdout.write(f"ok {name}\n".encode())
        except Exception as exc:  # noqa: BLE001 - reported to the kernel, which raises it with the name
            stdout.write(f"error {name}: {type(exc).__name__}: {exc}\n".replace("\n", " ").strip().encode() + b"\n")
        stdout.flush()


def _background() -> list[_Worker] | None:
    """The background processes of this kernel, started on first use (None when switched off)."""
    global _pool
    if os.environ.get(BACKGROUND_ENV) != "1":
        return None
    if _pool is None:
        _pool = [_Worker() for _ in range(WORKERS)]
        atexit.register(wait_for_figure_files)
    return _pool


def start_background_writer() -> None:
    """Start the background processes now (a report calls this before its analysis, so their imports
    overlap with reading the data); nothing happens when they are switched off."""
    _background()


def write_figure_files(figure: Any, folder: str | Path, *, name: str, alt: str,
                       bbox: Any = None) -> tuple[Path, Path]:
    """Write ``<name>.png`` (300 dpi) and ``<name>.svg`` of a matplotlib ``figure`` into ``folder``.

    In a report kernel (:data:`BACKGROUND_ENV` set) the files are written by the background process
    and exist once :func:`wait_for_figure_files` returns; otherwise they exist when this returns.
    The caller may close ``figure`` at once: the worker gets a pickled copy.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    pool = _background()
    if pool is not None:
        try:
            blob = pickle.dumps(figure)
        except Exception:  # an artist that does not pickle: draw it here instead  # pragma: no cover
            blob = None
        if blob is not None:
            worker = min(pool, key=lambda w: w.load)  # the least loaded, by bytes of figure to draw
            worker.send(name, pickle.dumps((name, blob, str(png), str(svg), bbox or "tight", alt)))
            return png, svg
    if bbox is None or bbox == "tight":
        from evaluation.reports.base import _tight_bbox

        bbox = _tight_bbox(figure)
    render_files(figure, png, svg, bbox=bbox, alt=alt)
    return png, svg


def wait_for_figure_files() -> None:
    """Block until every figure handed to the background processes is on disk, and end them (the
    report's last step: no idle process outlives the kernel; a later figure starts new ones).

    Raises
    ------
    RuntimeError
        Naming the figure whose files could not be written, and why.
    """
    global _pool
    if _pool is None:
        return
    workers, _pool = _pool, None
    errors = [e for w in workers for e in w.finish()]
    if errors:
        raise RuntimeError("The print files of these figures could not be written: " + "; ".join(errors))


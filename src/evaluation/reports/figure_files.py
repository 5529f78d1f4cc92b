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
           "render_files", "call_in_background", "Deferred"]

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
        self.lines: list[str] = []  # answers read before finish() (a call's result is waited for early)
        self.calls: set[str] = set()  # call jobs: a failed one is computed by the caller, not an error here
        self.load = 0

    def send(self, name: str, job: bytes) -> None:
        self.proc.stdin.write(len(job).to_bytes(8, "little") + job)
        self.proc.stdin.flush()
        self.jobs.append(name)
        self.load += len(job)

    def wait_for(self, name: str) -> str:
        """Read answers until the one of job ``name``; return it (``ok NAME`` or ``error NAME: why``)."""
        for line in self.lines:
            if line.split(" ", 1)[-1].split(":")[0] == name:
                return line
        while True:
            raw = self.proc.stdout.readline()
            if not raw:
                return f"error {name}: the background process stopped"
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            if line.split(" ", 1)[-1].split(":")[0] == name:
                return line

    def finish(self) -> list[str]:
        """Close the input, wait, and return the errors (``name: why``) of the jobs that failed."""
        out, err = self.proc.communicate()
        lines = self.lines = self.lines + out.decode("utf-8", "replace").splitlines()
        errors = [line[len("error "):] for line in lines if line.startswith("error ")
                  and line[len("error "):].split(":")[0] not in self.calls]
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
        job = pickle.loads(stdin.read(int.from_bytes(head, "little")))
        if job[0] == _CALL:
            _serve_call(job, stdout)
            continue
        name, blob, png, svg, bbox, alt = job
        try:
            figure = pickle.loads(blob)
            render_files(figure, png, svg, bbox=_tight_bbox(figure) if bbox == "tight" else bbox, alt=alt)
            plt.close(figure)
            stdout.write(f"ok {name}\n".encode())
        except Exception as exc:  # noqa: BLE001 - reported to the kernel, which raises it with the name
            stdout.write(f"error {name}: {type(exc).__name__}: {exc}\n".replace("\n", " ").strip().encode() + b"\n")
        stdout.flush()


_CALL = "__call__"


def _serve_call(job: tuple, stdout: Any) -> None:
    """Run ``module:function(*args, **kwargs)`` of a call job; its result, pickled, goes to the job's file."""
    import importlib

    _, name, target, args, kwargs, out = job
    try:
        module, _, func = target.partition(":")
        result = getattr(importlib.import_module(module), func)(*args, **kwargs)
        Path(out).write_bytes(pickle.dumps(result))
        stdout.write(f"ok {name}\n".encode())
    except Exception as exc:  # noqa: BLE001 - the caller computes it itself then
        stdout.write(f"error {name}: {type(exc).__name__}: {exc}\n".replace("\n", " ").strip().encode() + b"\n")
    stdout.flush()


class Deferred:
    """The result of :func:`call_in_background`: ``result()`` waits for it (or computes it here)."""

    def __init__(self, target: str, args: tuple, kwargs: dict, worker: Any = None, name: str = "",
                 out: str = "") -> None:
        self._target, self._args, self._kwargs = target, args, kwargs
        self._worker, self._name, self._out = worker, name, out
        self._done, self._value = False, None

    def _here(self) -> Any:
        import importlib

        module, _, func = self._target.partition(":")
        return getattr(importlib.import_module(module), func)(*self._args, **self._kwargs)

    def result(self) -> Any:
        """The function's value. A background failure is not an error: it is computed here instead."""
        if not self._done:
            value = None
            if self._worker is not None:
                answer = self._worker.wait_for(self._name)
                if answer.startswith("ok "):
                    try:
                        value = pickle.loads(Path(self._out).read_bytes())
                    except Exception:  # noqa: BLE001 - computed here below
                        value = None
                    else:
                        self._done, self._value = True, value
                try:
                    Path(self._out).unlink()
                except OSError:
                    pass
            if not self._done:
                self._value, self._done = self._here(), True
        return self._value


def call_in_background(target: str, *args: Any, **kwargs: Any) -> Deferred:
    """Run ``"module:function"(*args, **kwargs)`` in an idle background process of this report kernel.

    The round report hands its invariance fit (about a second) to a worker before the rest of its
    analysis, which then runs on the other core. Where the background processes are switched off
    (tests, JupyterLab) nothing runs now, and :meth:`Deferred.result` computes it in this process;
    so it does if the arguments do not pickle or the worker fails. Same function, same arguments,
    same value either way.

    >>> d = call_in_background("math:hypot", 3.0, 4.0)
    >>> d.result()
    5.0
    """
    import tempfile

    pool = _background()
    if pool is None:
        return Deferred(target, args, kwargs)
    try:
        blob_args = (args, kwargs)
        pickle.dumps(blob_args)
    except Exception:  # noqa: BLE001 - computed in this process then
        return Deferred(target, args, kwargs)
    fd, out = tempfile.mkstemp(prefix="dmkit_call_", suffix=".pickle")
    os.close(fd)
    name = f"call{len(_CALLS)}"
    _CALLS.append(name)
    worker = min(pool, key=lambda w: w.load)
    job = pickle.dumps((_CALL, name, target, args, kwargs, out))
    worker.send(name, job)
    worker.calls.add(name)
    return Deferred(target, args, kwargs, worker=worker, name=name, out=out)


_CALLS: list[str] = []


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


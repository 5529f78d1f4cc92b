"""Where the kit's package data live: instruments, notebooks and templates.

In an installed wheel they ship inside the package (``evaluation/_resources/``,
copied there by ``setup.py`` at build time) and are found with
:mod:`importlib.resources`; in a source checkout or an editable install they
are the repository's top-level folders of the same name. A user's own
instrument folders are added with the environment variable
``DMKIT_INSTRUMENT_PATH`` (folders separated by ``os.pathsep``), searched
before the shipped ones.

>>> (resource_dir("instruments") / "instrument.schema.json").is_file()
True
>>> resource_dir("nothing")
Traceback (most recent call last):
...
ValueError: Unknown resource kind 'nothing': use one of instruments, notebooks, templates.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["RESOURCE_KINDS", "INSTRUMENT_PATH_ENV", "resource_dir", "instrument_dirs"]

#: The folders that ship as package data (top-level folders of the repository).
RESOURCE_KINDS = ("instruments", "notebooks", "templates")
#: Environment variable naming extra instrument folders (``os.pathsep``-separated).
INSTRUMENT_PATH_ENV = "DMKIT_INSTRUMENT_PATH"

_MARKERS = {"instruments": "instrument.schema.json", "notebooks": "round_report.ipynb",
            "templates": "params.yaml"}


@lru_cache(maxsize=None)
def resource_dir(kind: str) -> Path:
    """The folder holding the shipped ``kind`` (one of :data:`RESOURCE_KINDS`).

    Raises ``ValueError`` for an unknown kind and ``FileNotFoundError`` with
    what to do when the installation holds no such folder.
    """
    if kind not in RESOURCE_KINDS:
        raise ValueError(f"Unknown resource kind {kind!r}: use one of {', '.join(RESOURCE_KINDS)}.")
    marker = _MARKERS[kind]
    packaged = Path(str(resources.files("evaluation"))) / "_resources" / kind
    if (packaged / marker).is_file():
        return packaged
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / kind
        if (cand / marker).is_file() and (parent / "pyproject.toml").is_file():
            return cand
    raise FileNotFoundError(
        f"This installation of the kit has no {kind}/ folder (looked in {packaged} and above {here.parent}). "
        "Reinstall the kit from its wheel or repository (pip install dmkit-wheel or pip install .)."
    )


def instrument_dirs() -> list[Path]:
    """Instrument folders in search order: ``$DMKIT_INSTRUMENT_PATH`` first, then the shipped one."""
    out: list[Path] = []
    for part in os.environ.get(INSTRUMENT_PATH_ENV, "").split(os.pathsep):
        if part.strip():
            p = Path(part.strip()).expanduser()
            if not p.is_dir():
                raise ValueError(f"{INSTRUMENT_PATH_ENV} names {str(p)!r}, which is not a folder; "
                                 "give folders of instrument YAML files separated by "
                                 f"{os.pathsep!r}.")
            out.append(p)
    try:
        out.append(resource_dir("instruments"))
    except FileNotFoundError:
        pass
    return out

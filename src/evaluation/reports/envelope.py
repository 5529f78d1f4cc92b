"""The results.json envelope shared by every report, and its JSON Schema.

::

    {"schema_version": "2.0", "kit_version": "0.2.0", "report": "round", "language": "sv",
     "generated": "2026-12-03", "inputs": [{"role": "responses", "file": "svar.csv", "sha256": "…"}],
     "parameters": {...}, "sections": {...}}

Keys and ids never depend on the report language; ``sections`` is the
report's own content (see its ``sections_results``). Input files are named by
file name only (a folder path may carry a person's name) with their sha256,
so a reader can check which export a report was made from.

>>> env = envelope("round", language="sv", parameters={"min_group_size": 5}, inputs={}, sections={"x": 1})
>>> validate_envelope(env)["report"], env["schema_version"]
('round', '2.0')
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

__all__ = ["SCHEMA_VERSION", "sections_of", "envelope", "validate_envelope", "write_envelope", "file_sha256", "results_schema"]

SCHEMA_VERSION = "2.0"
#: parameters never copied into results.json (paths are listed under ``inputs`` by file name only)
_PATH_PARAMETERS = ("output_dir",)


def sections_of(results: Mapping) -> Mapping:
    """A report's own content: the envelope's ``sections`` (a 0.1 results.json is its own content).

    >>> sections_of({"schema_version": "2.0", "sections": {"overall": 1}}), sections_of({"overall": 1})
    ({'overall': 1}, {'overall': 1})
    """
    return results["sections"] if "sections" in results and "schema_version" in results else results


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _parameters(params: Any, inputs: Mapping[str, Any]) -> dict:
    if dataclasses.is_dataclass(params):
        raw = dataclasses.asdict(params)
    else:
        raw = dict(params or {})
    out = {}
    for k, v in raw.items():
        if k in _PATH_PARAMETERS or k in inputs:
            continue
        out[k] = v
    return out


def envelope(kind: str, *, language: str, parameters: Any, inputs: Mapping[str, Any], sections: Mapping) -> dict:
    """Wrap a report's ``sections`` in the shared envelope (numbers made JSON-safe)."""
    from evaluation import __version__
    from evaluation.reports.protocol import to_jsonable

    files = []
    for role, path in inputs.items():
        if path in (None, ""):
            continue
        p = Path(str(path))
        files.append({"role": role, "file": p.name, "sha256": file_sha256(p) if p.is_file() else None})
    env = {
        "schema_version": SCHEMA_VERSION,
        "kit_version": __version__,
        "report": kind,
        "language": language,
        "generated": _dt.date.today().isoformat(),
        "inputs": files,
        "parameters": to_jsonable(_parameters(parameters, inputs)),
        "sections": to_jsonable(dict(sections)),
    }
    return env


@lru_cache(maxsize=1)
def results_schema() -> dict:
    """The JSON Schema of the envelope (shipped in ``evaluation/reports/schemas``)."""
    text = resources.files("evaluation.reports").joinpath("schemas/results.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_envelope(env: Mapping) -> Mapping:
    """``env`` when it follows the schema; ``ValueError`` naming the first problems otherwise."""
    from evaluation.data.instruments import _import_jsonschema

    js = _import_jsonschema()
    errors = sorted(js.Draft202012Validator(results_schema()).iter_errors(env), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}" for e in errors[:5]]
        raise ValueError("results.json does not follow the results schema:\n" + "\n".join(lines))
    return env


def write_envelope(env: Mapping, output_dir: str | Path, *, name: str = "results.json") -> Path:
    """Validate and write the envelope as pretty UTF-8 JSON into ``output_dir``."""
    validate_envelope(env)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(env, ensure_ascii=False, indent=2), encoding="utf-8")
    return path

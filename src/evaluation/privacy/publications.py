"""The private register of the respondents behind every published number (differencing across runs).

Two publications that show the same measure (say the overall score) on two sets of respondents that
differ by only a few people give those few people's values by subtraction:
``n_new * mean_new - n_old * mean_old`` is the sum of the rows that came in minus the rows that went.
Counting respondents cannot catch every case: a coordinator who removes a known test answer and adds
one late answer leaves every count unchanged, and a previous round's export with three late answers
gives them through the change table's ``mean_prev``, in another report and another folder.

So every published round report records, per measure, *which* rows stood behind each published
value, as salted row fingerprints, in a private register outside the report folder. Before a new
report publishes, each of its sets is compared with the sets every earlier publication of the same
instrument showed for the same measure:

    a set ``N`` may be published beside an earlier ``O`` only when ``|N Δ O| = 0`` or ``|N Δ O| ≥ k``

(``Δ`` the symmetric difference, ``k`` the ``min_group_size``). The difference then pools at least
``k`` people, the same guarantee the cell suppression inside one report gives (Hundepool et al.,
*Statistical Disclosure Control*, 2012, §5.6 on differencing of overlapping tables). The check is
pairwise: it does not solve the linear system of three or more publications together.

The register holds no answers: a row's fingerprint is the first 16 hex digits of
HMAC-SHA256(salt, the row's id, unit, role and answer codes), with a random salt made on first use
and kept beside the register (file mode 0600). Its place is ``$DMKIT_PRIVATE_DIR``, else
``$XDG_DATA_HOME/dmkit``, else ``~/.local/share/dmkit``: a user's own data folder, never a report
folder that gets shared.

Examples
--------
>>> import pandas as pd
>>> old = {"overall": [frozenset("abcdefgh")]}
>>> new = {"overall": [frozenset("abcdefgi")]}  # one out, one in: counts equal, 2 people isolated
>>> conflicts(new, [{"sets": old}], min_group_size=5)[0]["difference"]
2
>>> conflicts({"overall": [frozenset("abcdefghijklm")]}, [{"sets": old}], min_group_size=5)
[]
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from evaluation.privacy import check_min_group_size

__all__ = ["store_dir", "row_fingerprints", "measure_sets", "conflicts", "earlier_publications",
           "record_publication", "forget_publications", "response_sets"]

#: the environment variable that moves the register (tests point it at a temporary folder)
ENV = "DMKIT_PRIVATE_DIR"


def store_dir() -> Path:
    """The register's folder: ``$DMKIT_PRIVATE_DIR``, else ``$XDG_DATA_HOME/dmkit``, else
    ``~/.local/share/dmkit``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "dmkit"


def _salt() -> bytes:
    path = store_dir() / "salt"
    if path.is_file():
        return path.read_bytes()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it a moment ago
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"Cannot create the private register in {path.parent} ({exc.strerror}): set "
                         f"{ENV} to a folder you can write, outside any folder you share.") from exc
    salt = os.urandom(32)
    with os.fdopen(fd, "wb") as f:
        f.write(salt)
    return salt


def row_fingerprints(answers: pd.DataFrame, meta: pd.DataFrame, *, dont_know: pd.DataFrame | None = None,
                     salt: bytes | None = None) -> pd.Series:
    """One salted fingerprint per row, from its respondent id, unit, role and answer codes.

    Any change to a row (an edited answer, a moved unit) makes it a new row: an edit is one row out
    and one in. Identical rows get an occurrence number, so the result is unique per row. The file
    row number is left out, so re-sorting an export changes nothing.

    >>> a = pd.DataFrame({"q1": [4.0, 4.0, 2.0]}); m = pd.DataFrame({"unit": ["A", "A", "B"]})
    >>> f = row_fingerprints(a, m, salt=b"s")
    >>> f.is_unique, len(f.iloc[0])
    (True, 16)
    """
    key = _salt() if salt is None else salt
    cols = [c for c in ("respondent_id", "unit", "role") if c in meta.columns]
    ids = meta[cols].astype(object).where(meta[cols].notna(), None) if cols else None
    vals = answers.to_numpy(dtype=float)
    dk = dont_know.to_numpy(dtype=bool) if dont_know is not None else np.zeros(vals.shape, dtype=bool)
    seen: dict[str, int] = {}
    out = []
    for i in range(len(answers)):
        cells = ["dk" if dk[i, j] else (None if np.isnan(v) else float(v)) for j, v in enumerate(vals[i])]
        who = [] if ids is None else [None if x is None else str(x) for x in ids.iloc[i].tolist()]
        digest = hmac.new(key, json.dumps([who, cells]).encode("utf-8"), hashlib.sha256).hexdigest()[:16]
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        out.append(digest if n == 0 else hmac.new(key, f"{digest}#{n}".encode(), hashlib.sha256).hexdigest()[:16])
    return pd.Series(out, index=answers.index, dtype=object)


def measure_sets(fingerprints: pd.Series, behind: pd.DataFrame, *,
                 groups: pd.Series | None = None, shown: Any = None) -> dict[str, list[frozenset]]:
    """The sets of rows behind each published value, per measure.

    Parameters
    ----------
    fingerprints : Series
        :func:`row_fingerprints`, aligned with ``behind``.
    behind : DataFrame of bool
        Rows × measures: True where the row enters that measure's value (a non-missing score).
    groups : Series, optional
        Each row's group (unit, role); without it the whole set is one group.
    shown : callable, optional
        ``shown(group, measure) -> bool``: whether that value is published (default: all).
    """
    out: dict[str, list[frozenset]] = {}
    labels = pd.Series("all", index=behind.index) if groups is None else groups.reindex(behind.index)
    for g in pd.unique(labels.dropna()):
        rows = (labels == g).to_numpy()
        for m in behind.columns:
            if shown is not None and not shown(g, m):
                continue
            mask = rows & behind[m].to_numpy(dtype=bool)
            if mask.any():
                out.setdefault(str(m), []).append(frozenset(fingerprints[mask]))
    return out


def merge(*parts: Mapping[str, list[frozenset]]) -> dict[str, list[frozenset]]:
    """Several :func:`measure_sets` results as one."""
    out: dict[str, list[frozenset]] = {}
    for p in parts:
        for m, sets in p.items():
            out.setdefault(m, []).extend(sets)
    return out


def conflicts(new: Mapping[str, list[frozenset]], earlier: Iterable[Mapping[str, Any]], *,
              min_group_size: int) -> list[dict]:
    """Every published set of ``new`` that differs from an earlier one of the same measure by 1 to k−1 rows.

    ``earlier``: records as :func:`earlier_publications` gives them (each with ``sets``: measure → list
    of sets). Returns one dict per conflict: ``measure``, ``n_now``, ``n_before``, ``difference``,
    ``published`` (when and where the earlier one went out), smallest difference first.
    """
    k = check_min_group_size(min_group_size)
    found = []
    mine = set().union(*(x for lists in new.values() for x in lists)) if new else set()
    for rec in earlier:
        rows = rec.get("rows")
        if rows is not None:  # as stored: row indices; a record that shares no row cannot conflict
            if mine.isdisjoint(rows):
                continue
            old = {m: [frozenset(rows[i] for i in idx) for idx in lists]
                   for m, lists in (rec.get("sets") or {}).items()}
        else:
            old = rec.get("sets") or {}
        for m, sets in new.items():
            for o in old.get(m, ()):
                for s in sets:
                    if abs(len(s) - len(o)) >= k:
                        continue
                    d = len(s ^ o)
                    if 0 < d < k:
                        found.append({"measure": m, "n_now": len(s), "n_before": len(o), "difference": d,
                                      "published": {"at": rec.get("at"), "output_dir": rec.get("output_dir")}})
    return sorted(found, key=lambda c: (c["difference"], c["measure"]))


def _register(instrument: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(instrument)) or "_"
    return store_dir() / "publications" / f"{safe}.jsonl"


def earlier_publications(instrument: str) -> list[dict]:
    """The register's records for ``instrument``, as stored: ``rows`` (fingerprints) and ``sets`` (measure →
    lists of row indices), read by :func:`conflicts`."""
    path = _register(instrument)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the others still hold
        if isinstance(rec, dict) and isinstance(rec.get("rows"), list):
            out.append(rec)
    return out


def record_publication(instrument: str, sets: Mapping[str, list[frozenset]], *, report: str,
                       output_dir: str | Path) -> Path:
    """Append one publication's sets to the register (rows stored once, sets as row indices)."""
    rows = sorted(set().union(*(s for lists in sets.values() for s in lists))) if sets else []
    index = {r: i for i, r in enumerate(rows)}
    stored = {m: sorted(sorted(index[r] for r in s) for s in lists) for m, lists in sorted(sets.items())}
    where = str(Path(output_dir).resolve())
    # the same publication saved again (a notebook re-run on the same file) adds nothing to compare with
    digest = hashlib.sha256(json.dumps([where, rows, stored]).encode("utf-8")).hexdigest()[:32]
    path = _register(instrument)
    if any(rec.get("digest") == digest for rec in earlier_publications(instrument)):
        return path
    rec = {"report": report, "instrument": str(instrument), "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "output_dir": where, "digest": digest, "rows": rows, "sets": stored}
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(rec, separators=(",", ":")) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _lock(fd)  # batch workers publish side by side: one whole line each
        while line:
            line = line[os.write(fd, line):]
    finally:
        os.close(fd)
    return path


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: O_APPEND alone
        return
    fcntl.flock(fd, fcntl.LOCK_EX)  # released when the file is closed


def forget_publications(output_dir: str | Path) -> int:
    """Remove from the register every record of a publication written to ``output_dir``; the count removed.

    Only for a version that was never shared (a trial run): once a report has left the machine its rows
    must stay in the register, or the next version could be subtracted from it.
    """
    target = str(Path(output_dir).resolve())
    removed = 0
    folder = store_dir() / "publications"
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        keep = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                hit = json.loads(line).get("output_dir") == target
            except ValueError:
                hit = False
            removed += hit
            if not hit:
                keep.append(line)
        path.write_text("".join(x + "\n" for x in keep), encoding="utf-8")
    return removed


def response_sets(rs: Any, *, groups: Iterable[str] = (), min_size: int = 1) -> dict[str, list[frozenset]]:
    """The generic sets of a report that publishes item- and group-level numbers of a ResponseSet.

    ``rows``: every accepted row (response counts, don't-know rates); ``item:<id>``: the rows that answered
    the item on the scale (its mean, spread, correlations); with ``groups`` (metadata columns such as
    ``role``) the ``rows`` of each of their values too (the group tables, invariance, DIF). Sets of fewer
    than ``min_size`` rows are left out: the gate hides what stands on them, so nothing of them is published.

    >>> from evaluation.simulate import simulate_round
    >>> from evaluation.data.responses import read_responses
    >>> rs = read_responses(simulate_round("dual_maturity", n=20, seed=1).data, "dual_maturity")
    >>> s = response_sets(rs, groups=["role"])
    >>> len(s["rows"][0]), len(s["rows"]) > 1, "item:cap_und_1" in s
    (20, True, True)
    """
    fp = row_fingerprints(rs.answers, rs.meta, dont_know=rs.dont_know)
    parts = [{"rows": [frozenset(fp)]}, measure_sets(fp, rs.answers.notna().add_prefix("item:"))]
    for col in groups:
        if col and col in rs.meta.columns:
            labels = rs.meta[col].fillna("(saknas)").astype(str)
            parts.append({"rows": [frozenset(fp[(labels == g).to_numpy()]) for g in pd.unique(labels)]})
    return {m: kept for m, sets in merge(*parts).items() if (kept := [x for x in sets if len(x) >= min_size])}

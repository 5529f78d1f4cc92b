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

(``Δ`` the symmetric difference, ``k`` the stricter of the two publications' ``min_group_size``). The
difference then pools at least ``k`` people, the same guarantee the cell suppression inside one report
gives (Hundepool et al., *Statistical Disclosure Control*, 2012, §5.6 on differencing of overlapping
tables). Beyond pairs, the whole-organisation sets of every publication of a measure are solved
together: a new one is refused when, with it, some combination of the published sums stands on fewer
than ``k`` rows (:func:`_new_small_atoms`). The hidden groups of a round report count as published
together, since subtraction gives their pool. Every measure is compared across instruments too (a copy
of an instrument under another id holds the same answers).

The register holds no answers: a row's fingerprint is the first 16 hex digits of
HMAC-SHA256(salt, the row's answer codes), labels and ids left out so that a corrected unit name or a
renumbered export is still the same people, with a random salt made on first use and kept beside the
register (file mode 0600). :func:`record_publication` checks again under a lock before it writes, so
two reports opened side by side cannot both publish. Its place is ``$DMKIT_PRIVATE_DIR``, else
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
           "record_publication", "forget_publications", "response_sets", "PublishedMeanwhile"]

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
    """One salted fingerprint per row, from its answer codes alone.

    Any change to an answer makes it a new row: an edit is one row out and one in. Labels are left out
    on purpose (``meta`` is not read): a fixed typo in a unit name, a renumbered respondent id or a copy
    of the instrument under its own id must not make the same people look new, or a re-run that also adds
    one late answer would pass (the red team's attack). Who is in which unit or role is held by the sets
    (:func:`measure_sets`), not by the fingerprint. Identical rows get an occurrence number, so the result
    is unique per row; the file row number is left out, so re-sorting an export changes nothing.

    >>> a = pd.DataFrame({"q1": [4.0, 4.0, 2.0]}); m = pd.DataFrame({"unit": ["A", "A", "B"]})
    >>> f = row_fingerprints(a, m, salt=b"s")
    >>> f.is_unique, len(f.iloc[0])
    (True, 16)
    >>> bool((row_fingerprints(a, m.assign(unit="C"), salt=b"s") == f).all())
    True
    """
    key = _salt() if salt is None else salt
    vals = answers.to_numpy(dtype=float)
    dk = dont_know.to_numpy(dtype=bool) if dont_know is not None else np.zeros(vals.shape, dtype=bool)
    seen: dict[str, int] = {}
    out = []
    for i in range(len(answers)):
        cells = ["dk" if dk[i, j] else (None if np.isnan(v) else float(v)) for j, v in enumerate(vals[i])]
        digest = hmac.new(key, json.dumps(cells).encode("utf-8"), hashlib.sha256).hexdigest()[:16]
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
    k_now = check_min_group_size(min_group_size)
    found = []
    earlier_sets: list[tuple[dict, dict]] = []
    earlier_k = 0
    mine = set().union(*(x for lists in new.values() for x in lists)) if new else set()
    for rec in earlier:
        # the stricter of the two thresholds: a later run with a lower k must not isolate fewer people than
        # the earlier publication promised
        k = max(k_now, int(rec.get("min_group_size") or 0))
        rows = rec.get("rows")
        if rows is not None:  # as stored: row indices; a record that shares no row cannot conflict
            if mine.isdisjoint(rows):
                continue
            old = {m: [frozenset(rows[i] for i in idx) for idx in lists]
                   for m, lists in (rec.get("sets") or {}).items()}
        else:
            old = rec.get("sets") or {}
        earlier_sets.append((rec, old))
        earlier_k = max(earlier_k, int(rec.get("min_group_size") or 0))
        for m, sets in new.items():
            for o in old.get(m, ()):
                for s in sets:
                    if abs(len(s) - len(o)) >= k:
                        continue
                    d = len(s ^ o)
                    if 0 < d < k:
                        found.append({"measure": m, "n_now": len(s), "n_before": len(o), "difference": d,
                                      "published": {"at": rec.get("at"), "output_dir": rec.get("output_dir")}})
    found += _new_small_atoms(new, earlier_sets, k_now, earlier_k)
    return sorted(found, key=lambda c: (c["difference"], c["measure"]))


def _new_small_atoms(new: Mapping[str, list[frozenset]], earlier: list[tuple[dict, dict]], k_now: int,
                     earlier_k: int) -> list[dict]:
    """Beyond pairs: the publications of one measure together, as a linear system.

    Each published mean times its n is the sum over a set of rows, so an attacker knows the sums over
    every linear combination of the sets' indicator vectors. Such a combination is constant on the
    *atoms* (rows with the same membership in every set). A group of fewer than ``k`` rows is isolated
    when some combination is non-zero only on atoms holding fewer than ``k`` rows together: for each such
    choice ``T`` of small atoms, ``dim(V ∩ span(e_T)) = rank(A) + |T| − rank([A; E_T]) > 0``. A choice the
    earlier publications already isolated alone is not the new one's doing and is not counted. The family
    is the largest set of each publication (its whole organisation): S, S+X+Y, S+Y+Z and S+X+Z give X
    although every pair differs by at least 5. (Groups within one report cross, units × roles, in atoms
    that no table isolates; they stay under the pairwise check.)
    """
    from itertools import combinations

    k = max(k_now, earlier_k)
    out = []
    for m, sets in new.items():
        if not sets:
            continue
        mine = max(sets, key=len)
        family = [big for _, old in earlier if old.get(m) for big in [max(old[m], key=len)]
                  if not mine.isdisjoint(big)]
        if len(family) < 2:
            continue  # with one earlier set, the pairwise check is the whole story
        allsets = family + [mine]
        rows = set().union(*allsets)
        sig: dict[tuple, int] = {}
        for r in rows:
            key = tuple(r in f for f in allsets)
            sig[key] = sig.get(key, 0) + 1
        atoms = list(sig)
        sizes = np.array([sig[a] for a in atoms])
        A = np.array([[float(a[i]) for a in atoms] for i in range(len(allsets))])
        small = [j for j in range(len(atoms)) if sizes[j] < k]
        if not small:
            continue

        def isolates(mat: np.ndarray, T: tuple) -> bool:
            E = np.zeros((len(T), len(atoms)))
            for row, j in enumerate(T):
                E[row, j] = 1.0
            return np.linalg.matrix_rank(mat) + len(T) - np.linalg.matrix_rank(np.vstack([mat, E])) > 0

        hit = None  # the fewest rows isolated
        from math import comb

        if sum(comb(len(small), r) for r in range(1, min(len(small), k - 1) + 1)) > 20000:
            # too many small atoms to try every choice (many edits across many versions): refuse, the safe side
            out.append({"measure": m, "n_now": len(mine), "n_before": None, "difference": int(sizes[small].min()),
                        "published": {"at": None, "output_dir": "several earlier publications together"}})
            continue
        for size in range(1, min(len(small), k - 1) + 1):
            for T in combinations(small, size):
                n_rows = int(sizes[list(T)].sum())
                if n_rows < k and (hit is None or n_rows < hit) and isolates(A, T) and not isolates(A[:-1], T):
                    hit = n_rows
        if hit is not None:
            out.append({"measure": m, "n_now": len(mine), "n_before": None, "difference": hit,
                        "published": {"at": None, "output_dir": "several earlier publications together"}})
    return out


def _register(instrument: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(instrument)) or "_"
    return store_dir() / "publications" / f"{safe}.jsonl"


def earlier_publications(instrument: str | None = None) -> list[dict]:
    """The register's records, as stored: ``rows`` (fingerprints) and ``sets`` (measure → lists of row
    indices), read by :func:`conflicts`. Without ``instrument``: every instrument's (the default of the
    checks: a copy of an instrument under another id still holds the same people's answers)."""
    if instrument is None:
        folder = store_dir() / "publications"
        paths = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    else:
        paths = [_register(instrument)]
    out = []
    lines = [line for path in paths if path.is_file() for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the others still hold
        if isinstance(rec, dict) and isinstance(rec.get("rows"), list):
            out.append(rec)
    return out


class PublishedMeanwhile(ValueError):
    """Another publication on nearly the same rows was saved after this report was checked."""


def record_publication(instrument: str, sets: Mapping[str, list[frozenset]], *, report: str,
                       output_dir: str | Path, min_group_size: int | None = None) -> Path:
    """Append one publication's sets to the register (rows stored once, sets as row indices).

    With ``min_group_size`` the sets are checked again under the register's lock first: two reports
    opened before either was saved were each checked against a register without the other, so the
    second to be saved raises :class:`PublishedMeanwhile` (and records nothing) when they conflict.
    """
    rows = sorted(set().union(*(s for lists in sets.values() for s in lists))) if sets else []
    index = {r: i for i, r in enumerate(rows)}
    stored = {m: sorted(sorted(index[r] for r in s) for s in lists) for m, lists in sorted(sets.items())}
    where = str(Path(output_dir).resolve())
    # the same publication saved again (a notebook re-run on the same file) adds nothing to compare with
    digest = hashlib.sha256(json.dumps([where, rows, stored]).encode("utf-8")).hexdigest()[:32]
    path = _register(instrument)
    rec = {"report": report, "instrument": str(instrument), "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "output_dir": where, "digest": digest, "min_group_size": min_group_size, "rows": rows, "sets": stored}
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(rec, separators=(",", ":")) + "\n").encode("utf-8")
    lock = os.open(store_dir() / "publications" / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    fd = None
    try:
        _lock(lock)  # check and append as one step: batch workers publish side by side
        earlier = earlier_publications()
        if any(r.get("digest") == digest for r in earlier):
            return path
        if min_group_size is not None:
            hit = conflicts(sets, earlier, min_group_size=min_group_size)
            if hit:
                raise PublishedMeanwhile(
                    f"Not saved: since this report was opened, another report on nearly the same answers was "
                    f"published ({hit[0]['published']['output_dir']}); the two would differ by "
                    f"{hit[0]['difference']} (fewer than {min_group_size}) in {hit[0]['measure']!r}. Open the "
                    "report again: it will say what it may publish.")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        while line:
            line = line[os.write(fd, line):]
    finally:
        if fd is not None:
            os.close(fd)
        os.close(lock)
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

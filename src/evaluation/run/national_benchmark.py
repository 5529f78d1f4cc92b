"""The anonymised benchmark file (``dmkit benchmark DIR -o FILE``).

From a batch folder (one sub-folder per organisation, each with
``params.yaml``; see :mod:`evaluation.run.batch`) this builds the file the round
report takes as ``benchmark``: one row per organisation with

``organisation, instrument, group, size, <category ids>, <dimension ids>, overall``

- ``organisation`` is a random code (``ORG0001`` …): never a name, and the
  order of the codes carries no information. The mapping code → folder can be
  written to a separate key file for the coordinator (``--key``), which is
  never distributed.
- ``group`` is SKR's municipality group (kommungruppsindelning 2017, from
  ``municipality_group`` in params.yaml), ``size`` the size class from
  ``population`` (:data:`evaluation.run.batch.SIZE_CLASSES`).
- Scores are organisation means of respondent scores (percent of max), the
  same numbers as the organisation's own round report
  (:func:`evaluation.scoring.organisation_scores`); a score based on fewer
  than ``min_group_size`` respondents is left empty, and an organisation with
  fewer than ``min_group_size`` accepted respondents is left out.

Suppression of group and size
-----------------------------
Group and size are quasi-identifiers: three metropolitan municipalities are
known to everyone. The labels are therefore generalised until every
combination (group, size) that occurs — an empty label counting as a value —
holds at least ``min_orgs`` (5) organisations (*k*-anonymity with *k* = 5;
Sweeney 2002, "k-anonymity: a model for protecting privacy"). First a group
or size class with fewer than 5 organisations is suppressed together with the
next smallest ones until the suppressed pool holds at least 5 (the kit's
complementary suppression, :func:`evaluation.privacy.suppressed_groups`); then
a remaining small combination loses its size label; a small (group, no size)
pool takes in the group's next smallest size class, and only when none is
left loses its group label too.

Speed
-----
Survey files in the kit's own format (a CSV with item ids as headers, as the
templates of ``dmkit new-municipality`` produce) are read by a vectorised
path that maps each distinct cell text once; the result is checked equal to
:func:`evaluation.data.responses.read_responses` in the tests. Any other file (Excel,
SPSS, question texts as headers, another encoding) goes through
``read_responses`` itself. Scoring runs once over all organisations.

Examples
--------
>>> import pandas as pd
>>> from evaluation.run.national_benchmark import k_anonymise
>>> g = pd.Series(["A1"] * 3 + ["B4"] * 6 + ["C8"] * 7)
>>> s = pd.Series(["<15k"] * 16)
>>> out = k_anonymise(g, s, min_orgs=5)
>>> out["group"].fillna("(dolt)").value_counts().sort_index().to_dict()
{'(dolt)': 9, 'C8': 7}
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass
from typing import Any
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.run.batch import SIZE_CLASSES, SKR_GROUPS, find_folders, load_folder
from evaluation.data.instruments import Instrument, load_instrument
from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size, suppressed_groups

__all__ = [
    "MIN_ORGANISATIONS",
    "BenchmarkBuild",
    "k_anonymise",
    "fast_answers",
    "organisation_table",
    "build_benchmark",
    "benchmark_summary",
    "add_cli",
]

#: Fewest organisations a group, size class or (group, size) combination may describe.
MIN_ORGANISATIONS = 5


# -- k-anonymity of group and size ------------------------------------------------------

def k_anonymise(groups: pd.Series, sizes: pd.Series, *, min_orgs: int = MIN_ORGANISATIONS) -> pd.DataFrame:
    """Generalise (group, size) labels until every combination holds ≥ ``min_orgs`` rows.

    Parameters
    ----------
    groups, sizes : Series
        Labels per organisation (missing allowed).
    min_orgs : int
        *k* of *k*-anonymity.

    Returns
    -------
    DataFrame with columns ``group`` and ``size`` (NaN where suppressed), same index.

    Examples
    --------
    One large municipality among small ones: hiding its size alone would single
    it out (the only blank), so the pool of hidden sizes is filled up to 5:

    >>> g = pd.Series(["B4"] * 5 + ["C8"] * 5)
    >>> s = pd.Series(["<15k"] * 4 + [">200k"] + ["<15k"] * 5)
    >>> int(k_anonymise(g, s)["size"].isna().sum())
    10
    """
    k = check_min_group_size(min_orgs)
    NONE = "\x00none"
    g = groups.astype(object).where(groups.notna(), NONE).astype(str)
    s = sizes.astype(object).where(sizes.notna(), NONE).astype(str)
    for lab in (g, s):
        hidden = suppressed_groups(lab.value_counts(), min_group_size=k, total_shown=True)
        if hidden - {NONE}:
            lab[lab.isin(hidden)] = NONE
    while True:
        combos = pd.Series(list(zip(g, s)), index=g.index)
        counts = combos.value_counts()
        small = counts[counts < k]
        if small.empty:
            break
        g0, s0 = min(small.index, key=lambda c: (small[c], c))
        rows = combos == (g0, s0)
        if s0 != NONE:
            s[rows] = NONE
        elif g0 != NONE:
            same = counts[[c[0] == g0 and c[1] != NONE for c in counts.index]]
            if len(same):  # keep the group label: pool the group's smallest size class into (g0, blank)
                s1 = min(same.index, key=lambda c: (same[c], c))[1]
                s[(g == g0) & (s == s1)] = NONE
            else:
                g[rows] = NONE
        else:
            others = counts.drop((NONE, NONE))
            if others.empty:
                break  # fewer than k organisations in all: nothing left to generalise
            g1, s1 = min(others.index, key=lambda c: (others[c], c))
            rows = combos == (g1, s1)
            g[rows] = NONE
            s[rows] = NONE
    return pd.DataFrame({"group": g.where(g != NONE, np.nan), "size": s.where(s != NONE, np.nan)}, index=groups.index)


# -- fast reading ----------------------------------------------------------------------

_PARSER_CACHE: dict[tuple, Any] = {}


def fast_answers(path: str | Path, instrument: Instrument | str) -> pd.DataFrame | None:
    """Accepted answers of a kit-format CSV, as :func:`read_responses` would give them; None if not applicable.

    The file must be a UTF-8 CSV in the kit's template shape: one header row,
    every item column named by its item id, no mapping file beside it, and
    every row with the header's field count. Each distinct cell text is read
    once by the general reader's own :class:`~evaluation.data.answers.AnswerParser`,
    so the rules are the same: blank → skipped, don't know → NaN, a value
    off the scale rejects the row, a row without any answered item is
    rejected, a repeated respondent id is rejected (first kept). Returns the
    ``answers`` frame (index = file row, header = row 1) or ``None`` when the
    file needs the general reader (which then explains every issue).
    """
    from evaluation.data.answers import _LIME, AnswerParser, find_ambiguous_codes
    from evaluation.data.answers import _key as _akey
    from evaluation.data.columns import META_ALIASES
    from evaluation.data.readers.files import sniff_delimiter

    inst = load_instrument(instrument)
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    if any(p.with_name(p.name + ext).exists() or p.with_suffix(ext).exists()
           for ext in (".mapping.yaml", ".mapping.yml")):
        return None  # a mapping file changes how columns and answers are read
    try:
        textdata = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if not textdata.strip() or "\x00" in textdata[:4096]:
        return None
    try:
        delim = sniff_delimiter(textdata[:20000], p.name)
        df = pd.read_csv(io.StringIO(textdata), sep=delim, dtype=str, keep_default_na=False, skip_blank_lines=False,
                         engine="c", on_bad_lines="error")
    except Exception:
        return None
    if df.columns.duplicated().any() or any(str(c).startswith("Unnamed:") for c in df.columns):
        return None
    while len(df) and (df.iloc[-1].astype(str).str.strip() == "").all():
        df = df.iloc[:-1]
    if len(df) == 0 or (df.astype(str).apply(lambda c: c.str.strip() == "").all(axis=1)).any():
        return None  # blank lines inside the file: the general reader reports them
    df.columns = [str(c).strip() for c in df.columns]
    ids = list(inst.item_ids)
    if not set(ids) <= set(df.columns):
        return None  # items named otherwise or missing: the general reader matches and explains
    lk = (inst.id, inst.version, str(inst.path))
    parser = _PARSER_CACHE.get(lk)
    if parser is None:
        parser = _PARSER_CACHE[lk] = AnswerParser(inst)
    cells = df[ids].to_numpy(dtype=str)
    uniq, inv = np.unique(cells, return_inverse=True)
    inv = inv.reshape(cells.shape)
    parsed = [parser.parse_one(u) for u in uniq]
    kinds = np.array([k for _, k in parsed])
    value_u = np.array([v for v, _ in parsed], dtype=float)
    blank = (kinds == "blank")[inv]
    bad = (kinds == "bad")[inv]
    if bad.any():
        # a recurring code off the scale or tool codes (A1, A2...): the general reader decides, and may ask
        # for a mapping; a stray value rejects its row, as there
        bad_u = {str(u) for u, (_, k) in zip(uniq, parsed) if k == "bad"}
        if any(_LIME.match(_akey(u)) for u in bad_u):
            return None
        bad_cells = {c: pd.Series(cells[bad[:, j], j], index=np.flatnonzero(bad[:, j]) + 2)
                     for j, c in enumerate(ids) if bad[:, j].any()}
        if find_ambiguous_codes(bad_cells, inst):
            return None
    values = value_u[inv]
    reject = blank.all(axis=1) | bad.any(axis=1)
    aliases = set(META_ALIASES["respondent_id"])
    rid_col = next((c for c in df.columns if c.strip().lower() in aliases), None)
    if rid_col is not None:
        rid = df[rid_col].astype(str).str.strip()
        valid = ~reject & ~rid.isin(["", "nan", "None"]).to_numpy()
        dup = rid.where(valid).duplicated(keep="first").to_numpy() & valid
        reject |= dup
    index = pd.RangeIndex(2, 2 + len(df), name="row")
    return pd.DataFrame(values[~reject], index=index[~reject], columns=ids)


# -- organisation scores -------------------------------------------------------------------

@dataclass(frozen=True)
class BenchmarkBuild:
    """Result of :func:`build_benchmark`.

    Attributes
    ----------
    table : DataFrame
        The anonymised benchmark (the file's rows).
    key : DataFrame
        ``organisation`` code → ``folder`` and ``municipality`` (for the coordinator only).
    excluded : DataFrame
        Folders left out, with ``reason``.
    organisations : DataFrame
        Unanonymised organisation-level table (folder, name, group, size, n, scores).
    seconds : float
    """

    table: pd.DataFrame
    key: pd.DataFrame
    excluded: pd.DataFrame
    organisations: pd.DataFrame
    seconds: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _answers_for(path: str, inst: Instrument, *, mapping: str = "", format: str = "") -> pd.DataFrame:
    """Accepted answers of one export; the folder's ``mapping``/``format`` (params.yaml) as the round reads them."""
    fast = None if (mapping or format) else fast_answers(path, inst)
    if fast is not None:
        return fast
    from evaluation.data.responses import read_responses

    return read_responses(path, inst, mapping or None, format=format or None).answers


def _moved_since_published(mf: Any, instrument: str, n: int, k: int) -> str:
    """Why a folder's answers must stay out of the benchmark, or "" (the re-run rule of the round report).

    When the folder's own round report (its ``output_dir``) published ``n_pub`` respondents and the export
    now holds ``n`` with ``1 <= |n - n_pub| < k``, the benchmark row beside that publication would give the
    few new (or removed) answers by subtraction, exactly what the round report withheld (``too_few_new``).
    """
    from evaluation.reports.round_publication import previous_publication

    try:
        counts = previous_publication(mf.output_dir, {"instrument": {"id": instrument}})
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    n_pub = counts.get("overall") if counts else None
    if n_pub is None or not 0 < abs(n - int(n_pub)) < k:
        return ""
    return (f"{n} accepted respondents, {abs(n - int(n_pub))} different from the {int(n_pub)} its published round "
            f"report stands on (fewer than min_group_size = {k}): its row would give those answers away; "
            "left out until the round report is published again")


def _register_conflict(path: str, inst: Instrument, mf: Any, k: int) -> str:
    """Why a folder's row would isolate a few people beside an earlier publication in the private register
    (:mod:`evaluation.privacy.publications`, any folder, any report kind), or "".

    The benchmark row holds the organisation's scores on all its rows: those sets are compared with every
    published set of the same measures. Only read when the register holds anything (a batch folder on a
    machine that published nothing costs nothing).
    """
    from evaluation.privacy import publications as pub

    earlier = pub.earlier_publications()
    if not earlier:
        return ""
    from evaluation.data.responses import read_responses
    from evaluation.scoring import respondent_scores

    rs = read_responses(path, inst, mf.params.get("mapping") or None, format=mf.params.get("format") or None)
    fp = pub.row_fingerprints(rs.answers, rs.meta, dont_know=rs.dont_know)
    hit = pub.conflicts(pub.measure_sets(fp, respondent_scores(rs).notna()), earlier, min_group_size=k)
    if not hit:
        return ""
    return (f"its {hit[0]['measure']} row would stand on {hit[0]['difference']} answers more or fewer than a "
            f"published report on the same people (fewer than min_group_size = {k}): those answers would follow "
            "by subtraction; left out until at least that many have changed")


def _read_folder(folder: Path, k_override: int | None) -> dict:
    """Read one organisation folder: its descriptors and accepted answers, or why it is left out."""
    f = Path(folder)
    try:
        mf = load_folder(f)
        inst = load_instrument(mf.params["instrument"])
        # an override can make the threshold stricter, never looser than the folder's own
        k = max(k_override or 0, check_min_group_size(mf.params.get("min_group_size", DEFAULT_MIN_GROUP_SIZE)))
        resp = mf.params.get("responses")
        if not resp or not Path(str(resp)).is_file():
            raise ValueError(f"{f / 'params.yaml'}: responses file {resp!r} does not exist.")
        ans = _answers_for(str(resp), inst, mapping=mf.params.get("mapping") or "",
                           format=mf.params.get("format") or "")
    except ValueError as exc:
        return {"folder": f.name, "reason": str(exc)}
    if len(ans) < k:
        return {"folder": f.name, "reason": f"{len(ans)} accepted respondents, fewer than min_group_size = {k}"}
    moved = _moved_since_published(mf, inst.id, len(ans), k) or _register_conflict(str(resp), inst, mf, k)
    if moved:
        return {"folder": f.name, "reason": moved}
    return {"folder": f.name, "municipality": mf.name, "instrument": inst.id,
            # the file it was read from: a user's own instrument is found again by its path, not its id
            "instrument_file": str(inst.path) if getattr(inst, "path", None) else inst.id,
            "municipality_group": mf.municipality_group, "size": mf.size, "n": len(ans), "k": k,
            "answers": ans.to_numpy(dtype=float), "items": list(ans.columns)}


def _read_chunk(args: tuple[list[str], int | None]) -> list[dict]:
    folders, k = args
    return [_read_folder(Path(f), k) for f in folders]


def organisation_table(directory: str | Path, *, min_group_size: int | None = None, workers: int | None = None,
                       progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisation-level scores of every folder in ``directory`` (not anonymised).

    Returns ``(organisations, excluded)``: ``organisations`` has ``folder``,
    ``municipality``, ``instrument``, ``municipality_group``, ``size``, ``n``
    (accepted respondents) and one column per category, dimension and
    ``overall`` (means; NaN where fewer than ``min_group_size`` respondents have
    the score); ``excluded`` lists folders left out with a plain ``reason``.
    ``min_group_size`` overrides each folder's own value when given.
    ``workers`` processes read the folders in parallel (default: one per core
    for 200 folders or more, else 1); scoring then runs once over all of them.
    """
    from evaluation.scoring import respondent_scores

    folders = find_folders(directory)
    if not folders:
        raise ValueError(f"{directory}: no organisation folders found (one sub-folder per organisation, "
                         "each with params.yaml).")
    k_override = None if min_group_size is None else check_min_group_size(min_group_size)
    if workers is None:
        from evaluation.run.batch import _default_workers

        workers = _default_workers() if len(folders) >= 200 else 1
    if int(workers) < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}.")
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(folders), desc="dmkit benchmark", unit="org")
    read: list[dict] = []
    if workers == 1:
        for f in folders:
            read.append(_read_folder(f, k_override))
            if bar is not None:
                bar.update(1)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        try:  # load the instrument (and its schema validator) once before forking
            load_instrument(load_folder(folders[0]).params["instrument"])
        except ValueError:
            pass
        size = max(1, min(50, len(folders) // (4 * int(workers)) or 1))
        chunks = [([str(f) for f in folders[i:i + size]], k_override) for i in range(0, len(folders), size)]
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
        with ProcessPoolExecutor(max_workers=int(workers), mp_context=ctx) as ex:
            for part in ex.map(_read_chunk, chunks):
                read.extend(part)
                if bar is not None:
                    bar.update(len(part))
    if bar is not None:
        bar.close()
    excluded = [r for r in read if "answers" not in r]
    ok = [r for r in read if "answers" in r]
    meta_rows = [{k: v for k, v in r.items() if k not in ("answers", "items", "instrument_file")} for r in ok]
    orgs = pd.DataFrame(meta_rows)
    frames = []
    by_inst: dict[str, list[int]] = {}
    for i, r in enumerate(ok):
        by_inst.setdefault(r["instrument_file"], []).append(i)
    for inst_file, idx in by_inst.items():
        inst = load_instrument(inst_file)
        big = pd.DataFrame(np.concatenate([ok[i]["answers"] for i in idx]), columns=ok[idx[0]]["items"])
        sc = respondent_scores(big, inst)
        sc.index = np.repeat(idx, [len(ok[i]["answers"]) for i in idx])
        g = sc.groupby(level=0, sort=True)
        means, counts = g.mean(), g.count()
        ks = orgs.loc[means.index, "k"].to_numpy()[:, None]
        frames.append(means.where(counts.to_numpy() >= ks))
    if frames:
        orgs = orgs.join(pd.concat(frames))
    return orgs.drop(columns=["k"], errors="ignore"), pd.DataFrame(excluded, columns=["folder", "reason"])


def build_benchmark(directory: str | Path, *, min_group_size: int | None = None,
                    min_orgs: int = MIN_ORGANISATIONS, seed: int | None = None, workers: int | None = None,
                    progress: bool = False) -> BenchmarkBuild:
    """Build the anonymised benchmark of every organisation in ``directory``.

    Parameters
    ----------
    directory : path
        Batch folder (one sub-folder per organisation with params.yaml).
    min_group_size : int, optional
        Overrides each folder's own ``min_group_size``.
    min_orgs : int
        *k* for the group/size labels (default 5).
    seed : int, optional
        Seed of the random organisation codes (default: unpredictable).
    workers : int, optional
        Processes reading the folders (see :func:`organisation_table`).

    Returns
    -------
    BenchmarkBuild
    """
    t0 = time.perf_counter()
    orgs, excluded = organisation_table(directory, min_group_size=min_group_size, workers=workers,
                                        progress=progress)
    rng = np.random.default_rng(seed)
    n = len(orgs)
    width = max(4, len(str(n)))
    codes = np.array([f"ORG{i + 1:0{width}d}" for i in rng.permutation(n)]) if n else np.array([], dtype=str)
    labels = k_anonymise(orgs["municipality_group"] if n else pd.Series(dtype=object),
                         orgs["size"] if n else pd.Series(dtype=object), min_orgs=min_orgs)
    score_cols = [c for c in orgs.columns if c not in ("folder", "municipality", "instrument", "municipality_group",
                                                       "size", "n")]
    table = pd.DataFrame({"organisation": codes, "instrument": orgs.get("instrument", pd.Series(dtype=str)).to_numpy(),
                          "group": labels["group"].to_numpy(), "size": labels["size"].to_numpy()})
    for c in score_cols:
        table[c] = orgs[c].to_numpy()
    table = table.sort_values("organisation", kind="stable").reset_index(drop=True)
    key = pd.DataFrame({"organisation": codes, "folder": orgs.get("folder", pd.Series(dtype=str)).to_numpy(),
                        "municipality": orgs.get("municipality", pd.Series(dtype=str)).to_numpy()}
                       ).sort_values("organisation").reset_index(drop=True)
    return BenchmarkBuild(table=table, key=key, excluded=excluded, organisations=orgs,
                          seconds=time.perf_counter() - t0)


def benchmark_summary(table: pd.DataFrame, *, by: str = "group", min_orgs: int = MIN_ORGANISATIONS) -> pd.DataFrame:
    """Distribution of each score per ``group`` or ``size``: n, median, quartiles; suppressed below ``min_orgs``.

    Returns a tidy DataFrame: ``by`` label, ``instrument``, ``id`` (score), ``n_organisations``,
    ``median``, ``p25``, ``p75``, ``mean``, ``suppressed``.

    >>> t = pd.DataFrame({"organisation": list("abcdefg"), "instrument": "x", "group": ["B4"] * 5 + ["C8"] * 2,
    ...                   "size": "<15k", "overall": [50, 52, 54, 56, 58, 40, 41]})
    >>> s = benchmark_summary(t)
    >>> s[["group", "n_organisations", "median", "suppressed"]].values.tolist()
    [['B4', 5, 54.0, False], ['C8', 2, nan, True]]
    """
    if by not in ("group", "size"):
        raise ValueError(f"by must be 'group' or 'size', not {by!r}.")
    k = check_min_group_size(min_orgs)
    scores = [c for c in table.columns if c not in ("organisation", "instrument", "group", "size")]
    order = list(SKR_GROUPS) if by == "group" else [s for s, _ in SIZE_CLASSES]
    rows = []
    lab = table[by].astype(object).where(table[by].notna(), "(dolt)")
    for (label, inst), sub in table.groupby([lab, table["instrument"]], sort=False):
        for c in scores:
            v = pd.to_numeric(sub[c], errors="coerce").dropna()
            if v.empty:
                continue
            shown = len(v) >= k
            rows.append({by: label, "instrument": inst, "id": c, "n_organisations": int(len(v)),
                         "median": float(v.median()) if shown else np.nan,
                         "p25": float(v.quantile(0.25)) if shown else np.nan,
                         "p75": float(v.quantile(0.75)) if shown else np.nan,
                         "mean": float(v.mean()) if shown else np.nan, "suppressed": not shown})
    out = pd.DataFrame(rows)
    if len(out):
        rank = {x: i for i, x in enumerate(order)}
        out = out.sort_values([by, "id"], key=lambda s: s.map(lambda x: rank.get(x, len(rank))) if s.name == by
                              else s, kind="stable").reset_index(drop=True)
    return out


# -- CLI --------------------------------------------------------------------------------------

def _cmd(args: argparse.Namespace) -> int:
    res = build_benchmark(args.dir, min_group_size=args.min_group_size, seed=args.seed, workers=args.workers,
                          progress=not args.quiet)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    from evaluation.privacy.spreadsheet import write_csv

    write_csv(res.table, out)
    print(f"Benchmark of {len(res.table)} organisations written to {out} ({res.seconds:.1f} s).")
    if args.key:
        write_csv(res.key, args.key)
        print(f"Key (code → folder; keep it with the coordinator, never share it): {args.key}")
    if args.summary:
        summ = pd.concat([benchmark_summary(res.table, by="group").assign(by="group"),
                          benchmark_summary(res.table, by="size").assign(by="size")], ignore_index=True)
        write_csv(summ, args.summary)
        print(f"Summary per municipality group and size class: {args.summary}")
    hidden_g = int(res.table["group"].isna().sum())
    hidden_s = int(res.table["size"].isna().sum())
    if hidden_g or hidden_s:
        print(f"Suppressed for privacy (fewer than {MIN_ORGANISATIONS} organisations per group/size): group label of "
              f"{hidden_g}, size label of {hidden_s} organisations.")
    if len(res.excluded):
        print(f"\n{len(res.excluded)} folder(s) left out:", file=sys.stderr)
        for r in res.excluded.itertuples():
            print(f"  {r.folder}: {r.reason}", file=sys.stderr)
    return 0


def add_cli(subparsers) -> None:
    """Add ``dmkit benchmark DIR -o FILE``."""
    s = subparsers.add_parser("benchmark", help="build the anonymised benchmark file from a batch folder")
    s.add_argument("dir", help="folder with one sub-folder per organisation (each with params.yaml), e.g. kommuner")
    s.add_argument("--output", "-o", required=True, help="benchmark CSV to write, e.g. benchmark.csv")
    s.add_argument("--key", help="also write the code → folder key (for the coordinator only), e.g. key.csv")
    s.add_argument("--summary", help="also write medians and quartiles per municipality group and size class, "
                   "e.g. benchmark_summary.csv")
    s.add_argument("--min-group-size", type=int, default=None,
                   help="fewest respondents for an organisation to count (default: each folder's params.yaml), "
                        "e.g. 10")
    s.add_argument("--seed", type=int, default=None, help="seed for the random organisation codes, e.g. 2025")
    s.add_argument("--workers", "-w", type=int, default=None,
                   help="processes reading the folders (default: cores, for 200 folders or more), e.g. 2")
    s.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    s.set_defaults(func=_cmd)

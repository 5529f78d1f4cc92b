"""A synthetic national data set: every municipality of a country in its municipality group.

Model
-----
Municipality *m* in SKR group *g* has a latent maturity level

.. math:: \\mu_m = \\delta_g + u_m, \\qquad u_m \\sim N(0, \\tau^2),

with group effects :math:`\\delta_g` (``GROUP_EFFECTS``: metropolitan and large
towns somewhat higher, rural municipalities lower; on the latent scale of
:func:`evaluation.simulate.simulate_round`, where +0.5 is about +10 points)
and between-municipality SD :math:`\\tau` (``between_sd``). Its respondents are
then drawn by :func:`~evaluation.simulate.simulate_round` with ``level =
mu_m`` and the kit's default units and roles. Population sizes are drawn
log-normally around a typical size per group; the number of respondents grows
with the population within ``respondents = (low, high)``.

Group counts follow SKR's kommungruppsindelning 2017 for 290 municipalities
(A1 3, A2 43, B3 21, B4 52, B5 35, C6 29, C7 52; the split of the remaining 55
between C8 and C9 is approximate); for another ``n_municipalities`` the
counts are scaled proportionally.

Municipality names are invented ("Kommun 001", ...), never real ones.

Examples
--------
>>> from evaluation.simulate.national import simulate_national
>>> nat = simulate_national("dual_maturity", n_municipalities=12, respondents=(20, 30), seed=1)
>>> len(nat.municipalities), int(nat.municipalities["n"].between(20, 30).all())
(12, 1)
>>> sorted(nat.data.columns[:5])
['municipality', 'respondent_id', 'role', 'round', 'unit']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from evaluation.data.instruments import Instrument, load_instrument
from evaluation.data.municipalities import SKR_GROUPS
from evaluation.simulate import simulate_round

__all__ = ["GROUP_COUNTS_2017", "GROUP_EFFECTS", "NationalData", "simulate_national", "write_batch_dir",
           "group_counts"]

#: Municipalities per SKR group (2017) for 290 municipalities; C8/C9 split approximate.
GROUP_COUNTS_2017: dict[str, int] = {"A1": 3, "A2": 43, "B3": 21, "B4": 52, "B5": 35, "C6": 29, "C7": 52,
                                     "C8": 35, "C9": 20}
#: Latent maturity effect per group (simulation assumption, not an empirical estimate).
GROUP_EFFECTS: dict[str, float] = {"A1": 0.45, "A2": 0.15, "B3": 0.25, "B4": 0.0, "B5": -0.1, "C6": 0.0,
                                   "C7": -0.15, "C8": -0.3, "C9": -0.2}
#: Typical inhabitants per group (median of the log-normal draw).
_GROUP_POPULATION: dict[str, float] = {"A1": 600_000, "A2": 35_000, "B3": 100_000, "B4": 16_000, "B5": 15_000,
                                       "C6": 28_000, "C7": 10_000, "C8": 7_000, "C9": 8_000}


def group_counts(n_municipalities: int) -> dict[str, int]:
    """Municipalities per group for ``n_municipalities`` (largest-remainder scaling of the 2017 counts).

    >>> sum(group_counts(1500).values()), group_counts(290)["B4"]
    (1500, 52)
    """
    if int(n_municipalities) < 1:
        raise ValueError(f"n_municipalities must be 1 or more, not {n_municipalities}.")
    total = sum(GROUP_COUNTS_2017.values())
    raw = {g: c * n_municipalities / total for g, c in GROUP_COUNTS_2017.items()}
    out = {g: int(np.floor(v)) for g, v in raw.items()}
    rest = n_municipalities - sum(out.values())
    for g in sorted(raw, key=lambda g: raw[g] - out[g], reverse=True)[:rest]:
        out[g] += 1
    return out


@dataclass(frozen=True)
class NationalData:
    """A national data set.

    Attributes
    ----------
    data : DataFrame
        Long: every respondent of every municipality in the import format
        (``respondent_id``, ``municipality``, ``round``, ``unit``, ``role``, items).
    municipalities : DataFrame
        One row per municipality: ``code``, ``municipality``, ``municipality_group``,
        ``population``, ``n``, ``level`` (true latent level), ``seed``.
    truth : mapping
        ``group_effects``, ``between_sd`` and per-municipality true dimension means
        of the latent scores (``theta_means``).
    """

    data: pd.DataFrame
    municipalities: pd.DataFrame
    truth: Mapping = field(repr=False)
    instrument: Instrument | None = field(default=None, repr=False)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Per-municipality DataFrames {municipality: data}."""
        return {m: g.reset_index(drop=True) for m, g in self.data.groupby("municipality", sort=False)}


def simulate_national(
    instrument: str | Instrument,
    *,
    n_municipalities: int = 290,
    respondents: tuple[int, int] = (80, 400),
    seed: int = 0,
    between_sd: float = 0.25,
    group_effects: Mapping[str, float] | None = None,
    round_label: str = "2025",
) -> NationalData:
    """Simulate one survey round in ``n_municipalities`` municipalities (see module docstring).

    Parameters
    ----------
    instrument : id or Instrument
    n_municipalities : int
        290 = every Swedish municipality; other numbers scale the group counts.
    respondents : (low, high)
        Respondents per municipality, increasing with population within this range.
    seed : int
    between_sd : float
        SD of municipality levels within a group (latent scale).
    group_effects : {group: effect}, optional
        Defaults to ``GROUP_EFFECTS``.

    Returns
    -------
    NationalData
    """
    inst = load_instrument(instrument)
    lo, hi = (int(respondents[0]), int(respondents[1]))
    if lo < 1 or hi < lo:
        raise ValueError(f"respondents must be (low, high) with 1 <= low <= high, not {respondents!r}.")
    effects = dict(GROUP_EFFECTS if group_effects is None else group_effects)
    unknown = sorted(set(effects) - set(SKR_GROUPS))
    if unknown:
        raise ValueError(f"group_effects has unknown groups {unknown}; use SKR's codes {list(SKR_GROUPS)}.")
    rng = np.random.default_rng(seed)
    counts = group_counts(n_municipalities)
    groups = np.concatenate([[g] * k for g, k in counts.items()])
    rng.shuffle(groups)
    pops = np.array([_GROUP_POPULATION[g] * np.exp(rng.normal(0, 0.45)) for g in groups])
    pops = np.maximum(np.round(pops), 2_500).astype(int)
    logp = np.log(pops)
    rank = (logp - logp.min()) / (logp.max() - logp.min()) if logp.max() > logp.min() else np.zeros(len(pops))
    ns = np.round(lo + rank * (hi - lo) + rng.normal(0, 0.1 * (hi - lo), len(pops))).astype(int)
    ns = np.clip(ns, lo, hi)
    levels = np.array([effects.get(g, 0.0) for g in groups]) + rng.normal(0, between_sd, len(groups))
    width = max(3, len(str(n_municipalities)))
    frames, rows, theta = [], [], {}
    for i, (g, pop, n, lv) in enumerate(zip(groups, pops, ns, levels)):
        code = f"K{i + 1:0{width}d}"
        name = f"Kommun {i + 1:0{width}d}"
        s = int(rng.integers(0, 2**31 - 1))
        sim = simulate_round(inst, n=int(n), seed=s, level=float(lv), municipality=name, round_label=round_label,
                             id_prefix=f"{code}-")
        frames.append(sim.data)
        theta[name] = sim.truth["theta"].mean().to_dict()
        rows.append({"code": code, "municipality": name, "municipality_group": str(g), "population": int(pop),
                     "n": int(n), "level": float(lv), "seed": s})
    data = pd.concat(frames, ignore_index=True)
    muni = pd.DataFrame(rows)
    truth = {"group_effects": effects, "between_sd": between_sd, "theta_means": pd.DataFrame(theta).T}
    return NationalData(data=data, municipalities=muni, truth=truth, instrument=inst)


def write_batch_dir(national: NationalData, directory: str | Path, *, min_group_size: int = 5,
                    language: str = "sv", file_format: str = "csv") -> list[Path]:
    """Write a batch folder: one sub-folder per municipality with ``params.yaml`` and its responses.

    The folder is what ``dmkit batch`` and ``dmkit benchmark`` read. Returns the
    municipality folders.

    >>> import tempfile
    >>> nat = simulate_national("dual_maturity", n_municipalities=3, respondents=(10, 12), seed=2)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_batch_dir(nat, d)]
    ['kommun_001', 'kommun_002', 'kommun_003']
    """
    import yaml

    if file_format not in ("csv", "xlsx"):
        raise ValueError(f"file_format must be 'csv' or 'xlsx', not {file_format!r}.")
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    inst = national.instrument or load_instrument(national.data.attrs.get("instrument", "dual_maturity"))
    frames = national.frames()
    out = []
    for r in national.municipalities.itertuples():
        folder = d / r.municipality.lower().replace(" ", "_")
        (folder / "data").mkdir(parents=True, exist_ok=True)
        resp = f"data/svar.{file_format}"
        df = frames[r.municipality]
        if file_format == "csv":
            df.to_csv(folder / resp, index=False)
        else:
            df.to_excel(folder / resp, index=False)
        params = {"responses": resp, "instrument": inst.id, "municipality": r.municipality,
                  "round_label": str(df["round"].iloc[0]), "previous_responses": "", "benchmark": "",
                  "population_size": 0, "min_group_size": int(min_group_size), "language": language,
                  "output_dir": "rapport", "municipality_group": str(r.municipality_group),
                  "population": int(r.population)}
        (folder / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
        out.append(folder)
    return out

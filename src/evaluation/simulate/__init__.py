"""Synthetic survey rounds with known truth (samples, tests, benchmarks).

Latent model
------------
Respondent *i* in unit *u* with role *r* has a latent maturity per dimension

.. math:: \\theta_{id} = \\text{level} + \\text{unit\\_effect}_{u} + \\text{role\\_effect}_{r} + \\eta_{id},

with :math:`\\eta_i \\sim N(0, \\Sigma)`, unit variance and correlation
``dim_corr`` between dimensions. Each category *c* of dimension *d* has its
own latent score

.. math:: \\theta_{ic} = \\theta_{id} - \\eta_{id} + \\sqrt{\\rho}\\,\\eta_{id} + \\sqrt{1-\\rho}\\,z_{ic},

with :math:`\\rho` = ``category_corr``, so categories of one dimension
correlate :math:`\\rho`. Item *j* of category *c* has loading
:math:`\\lambda_j` and difficulty :math:`b_j`; the continuous response
:math:`y^*_{ij} = \\lambda_j\\theta_{ic} + \\sqrt{1-\\lambda_j^2}\\,\\varepsilon_{ij} - b_j`
is cut at equally spaced thresholds into the scale's categories (a graded
response model with a probit link). Reverse-keyed items are flipped.

Don't know: each cell is "don't know" with probability
:math:`\\operatorname{logit}^{-1}(\\operatorname{logit}(p_{dk}))`; for a planted
hard-to-understand item the probability rises as maturity falls,
:math:`\\operatorname{logit}^{-1}(\\operatorname{logit}(p_{hard}) - s\\,\\theta_{ic})`,
its loading shrinks by ``hard_loading_factor`` (lower discrimination), and
it is skipped twice as often. Skips are random cells plus break-off (a share
of respondents stop at a random item and leave the rest blank).

Examples
--------
>>> from evaluation.simulate import simulate_round
>>> sim = simulate_round("dual_maturity", n=50, seed=3, hard_items=["cap_und_1"])
>>> sim.data.shape[0], sim.truth["hard_items"]
(50, ['cap_und_1'])
>>> simulate_round("dual_maturity", n=50, seed=3).data.equals(simulate_round("dual_maturity", n=50, seed=3).data)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import special

from evaluation.data.instruments import Instrument, load_instrument

__all__ = ["SimulatedRound", "simulate_round", "DEFAULT_UNITS", "DEFAULT_ROLES"]

DEFAULT_UNITS: dict[str, float] = {
    "Kommunledningskontoret": 0.35,
    "Socialförvaltningen": -0.25,
    "Utbildningsförvaltningen": 0.05,
    "Samhällsbyggnad": 0.10,
    "Kultur och fritid": -0.20,
}
DEFAULT_ROLES: dict[str, tuple[float, float]] = {
    # role: (share of respondents, effect on latent maturity)
    "Chef": (0.45, 0.0),
    "Strateg": (0.20, 0.30),
    "Utvecklare": (0.15, 0.25),
    "Systemförvaltare": (0.20, 0.10),
}


@dataclass(frozen=True)
class SimulatedRound:
    """A generated round: ``data`` in the import format, ``truth`` beside it."""

    data: pd.DataFrame
    truth: Mapping[str, Any] = field(repr=False)
    instrument: Instrument | None = field(default=None, repr=False)


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(np.log(p / (1 - p)))


def simulate_round(
    instrument: str | Instrument,
    *,
    n: int = 300,
    seed: int = 0,
    level: float | Mapping[str, float] = 0.0,
    units: Mapping[str, float] | Sequence[str] | None = None,
    unit_sizes: Mapping[str, int] | None = None,
    roles: Mapping[str, tuple[float, float]] | None = None,
    dim_corr: float = 0.6,
    category_corr: float = 0.8,
    loadings: tuple[float, float] = (0.55, 0.85),
    dont_know_rate: float = 0.03,
    skip_rate: float = 0.01,
    breakoff_rate: float = 0.02,
    hard_items: Sequence[str] | None = None,
    hard_strength: float = 1.0,
    hard_dont_know_rate: float = 0.15,
    hard_loading_factor: float = 0.35,
    timings: bool = False,
    municipality: str = "Exempelkommun",
    round_label: str = "2025",
    id_prefix: str = "R",
    item_params_seed: int | None = None,
) -> SimulatedRound:
    """Generate one survey round from the latent model in the module docstring.

    Parameters
    ----------
    instrument : id or Instrument
    n : int
        Respondents (ignored when ``unit_sizes`` is given).
    seed : int
        Seed for respondents and their answers.
    level : float or {dimension id: float}
        Mean latent maturity (0 ≈ the middle of the scale; +0.5 ≈ +10 points).
    units : {unit: effect} or list of unit names, optional
        Defaults to five fictional municipal departments.
    unit_sizes : {unit: n}, optional
        Exact respondents per unit (e.g. to plant a unit of 3).
    roles : {role: (share, effect)}, optional
    dim_corr : float
        Correlation between the dimensions' latent scores.
    category_corr : float
        Correlation between the latent scores of two categories of the same
        dimension (each category has its own factor; 1.0 gives one factor
        per dimension).
    loadings : (low, high)
        Item loadings are drawn uniformly in this range.
    dont_know_rate, skip_rate, breakoff_rate : float
        Base rates for ordinary items.
    hard_items : list of item ids, optional
        Items planted as hard to understand (see module docstring).
    hard_strength : float
        Slope of the don't-know logit on −θ for hard items.
    hard_dont_know_rate : float
        Don't-know probability of a hard item at θ = 0.
    hard_loading_factor : float
        A hard item's loading is multiplied by this.
    timings : bool
        Add ``<item>_time`` columns with seconds per item (longer for hard items).
    item_params_seed : int, optional
        Seed for item parameters (loadings, difficulties); defaults to a fixed
        value so rounds of the same instrument share item parameters.

    Returns
    -------
    SimulatedRound
        ``data``: respondent_id, municipality, round, unit, role, one column per
        item (integer codes, the don't-know code, or NaN), optional timings.
        ``truth``: theta, loadings, difficulties, unit/role effects, hard items,
        and the planted don't-know probabilities.
    """
    inst = load_instrument(instrument)
    if n < 1 and unit_sizes is None:
        raise ValueError(f"n must be at least 1 respondent, got {n}.")
    hard = list(hard_items or [])
    unknown = [h for h in hard if h not in inst.item_ids]
    if unknown:
        raise ValueError(f"hard_items {unknown} are not items of instrument {inst.id!r}.")
    rng = np.random.default_rng(seed)
    prng = np.random.default_rng(12345 if item_params_seed is None else item_params_seed)

    if units is None:
        units = DEFAULT_UNITS
    if not isinstance(units, Mapping):
        units = {u: 0.0 for u in units}
    roles = roles or DEFAULT_ROLES
    unit_names = list(units)
    if unit_sizes is not None:
        unit_col = np.concatenate([[u] * int(k) for u, k in unit_sizes.items()])
        rng.shuffle(unit_col)
        n = len(unit_col)
        unit_eff = {**{u: 0.0 for u in unit_sizes}, **dict(units)}
    else:
        unit_col = rng.choice(unit_names, size=n)
        unit_eff = dict(units)
    role_names = list(roles)
    shares = np.array([roles[r][0] for r in role_names], dtype=float)
    role_col = rng.choice(role_names, size=n, p=shares / shares.sum())

    dims = list(inst.dimension_items())
    D = len(dims)
    cov = np.full((D, D), dim_corr) + np.eye(D) * (1 - dim_corr)
    eta = rng.multivariate_normal(np.zeros(D), cov, size=n)
    lvl = np.array([level.get(d, 0.0) if isinstance(level, Mapping) else float(level) for d in dims])
    ue = np.array([unit_eff.get(u, 0.0) for u in unit_col])
    re_ = np.array([roles[r][1] for r in role_col])
    theta = eta + lvl[None, :] + (ue + re_)[:, None]

    # one latent per category: the dimension's score plus a category-specific part, so categories
    # within a dimension correlate `category_corr` (1.0 = a single factor per dimension)
    cats = list(inst.category_items())
    cat_dim = inst.category_dimension()
    cdi = np.array([dims.index(cat_dim[c]) for c in cats])
    z = rng.standard_normal((n, len(cats)))
    shift = (theta - eta)[:, cdi]
    cat_theta = shift + np.sqrt(category_corr) * eta[:, cdi] + np.sqrt(1 - category_corr) * z

    items = inst.items
    k = len(items)
    lam = prng.uniform(*loadings, size=k)
    b = prng.normal(0.0, 0.3, size=k)
    hard_mask = np.array([it.id in hard for it in items])
    lam = np.where(hard_mask, lam * hard_loading_factor, lam)
    cat_idx = np.array([cats.index(it.category) for it in items])
    th = cat_theta[:, cat_idx]
    ystar = lam[None, :] * th + np.sqrt(1 - lam[None, :] ** 2) * rng.standard_normal((n, k)) - b[None, :]
    K = inst.scale.max - inst.scale.min + 1
    cuts = np.linspace(-1.6, 1.6, K - 1)
    cat = (ystar[:, :, None] > cuts[None, None, :]).sum(axis=2) + inst.scale.min
    rev = np.array([it.reverse for it in items])
    cat = np.where(rev[None, :], inst.scale.min + inst.scale.max - cat, cat).astype(float)

    # don't know
    logit_dk = np.where(hard_mask, _logit(hard_dont_know_rate), _logit(dont_know_rate))
    slope = np.where(hard_mask, hard_strength, 0.0)
    p_dk = special.expit(logit_dk[None, :] - slope[None, :] * th)
    dk = rng.random((n, k)) < p_dk
    if inst.scale.dont_know_code is None:
        dk[:] = False
    # skips
    p_skip = np.where(hard_mask, 2 * skip_rate, skip_rate)
    skip = rng.random((n, k)) < p_skip[None, :]
    breaks = rng.random(n) < breakoff_rate
    stop_at = rng.integers(k // 3, k, size=n)
    for i in np.flatnonzero(breaks):
        skip[i, stop_at[i]:] = True
    values = cat.copy()
    if inst.scale.dont_know_code is not None:
        values[dk] = inst.scale.dont_know_code
    values[skip] = np.nan

    width = max(4, len(str(n)))
    data = pd.DataFrame({
        "respondent_id": [f"{id_prefix}{i + 1:0{width}d}" for i in range(n)],
        "municipality": municipality,
        "round": round_label,
        "unit": unit_col,
        "role": role_col,
    })
    item_frame = pd.DataFrame(values, columns=[it.id for it in items]).astype("Int64")
    data = pd.concat([data, item_frame], axis=1)
    if timings:
        words = np.array([len(str(it.text.get("sv", "")).split()) for it in items])
        base = 2.0 + 0.35 * words
        t = base[None, :] * np.exp(rng.normal(0, 0.35, size=(n, k))) * np.where(hard_mask, 1.8, 1.0)[None, :]
        t = np.where(skip, np.nan, t)
        tf = pd.DataFrame(np.round(t, 1), columns=[f"{it.id}_time" for it in items])
        data = pd.concat([data, tf], axis=1)
    truth = {
        "theta": pd.DataFrame(theta, columns=dims),
        "theta_category": pd.DataFrame(cat_theta, columns=cats),
        "loadings": pd.Series(lam, index=[it.id for it in items]),
        "difficulties": pd.Series(b, index=[it.id for it in items]),
        "thresholds": cuts,
        "unit_effects": dict(unit_eff),
        "role_effects": {r: roles[r][1] for r in role_names},
        "level": dict(zip(dims, lvl)),
        "hard_items": hard,
        "p_dont_know": pd.DataFrame(p_dk, columns=[it.id for it in items]),
        "breakoff": breaks,
        "seed": seed,
    }
    return SimulatedRound(data=data, truth=truth, instrument=inst)


def __getattr__(name: str):
    """``simulate`` is the one place to find every generator: the two-instrument
    (:func:`evaluation.simulate.pairs.simulate_pairs`), before/after
    (:func:`evaluation.stats.effects.simulate_prepost`, when present) and national
    (:func:`evaluation.simulate.national.simulate_national`) generators live in
    their own modules and are reachable from here too."""
    import importlib

    for module in ("simulate_pairs", "simulate_national", "effects"):
        try:
            mod = importlib.import_module(f"{__package__}.{module}")
        except ImportError:
            continue
        if name in getattr(mod, "__all__", ()) or (name.startswith("simulate_") and hasattr(mod, name)):
            return getattr(mod, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

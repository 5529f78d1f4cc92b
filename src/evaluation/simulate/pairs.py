r"""Respondents answering two instruments, with known truth, and a retest.

Latent model
------------
Every respondent has one latent score per construct of instrument A and of
instrument B, jointly normal with unit variances and the correlation matrix
:math:`\Phi` (within A: ``within_a``; within B: ``within_b``; between A and
B: ``cross`` per pair, else ``cross_default``). Item *j* of construct *c* has
loading :math:`\lambda_j` and difficulty :math:`b_j`; its continuous response
:math:`y^*_{ij} = \lambda_j \eta_{ic} + \sqrt{1-\lambda_j^2}\,\varepsilon_{ij} - b_j`
is cut at the standard-normal quantiles :math:`\Phi^{-1}(k/K)`,
:math:`k = 1..K-1`, into the *K* codes of the instrument's scale (equal-
probability categories when :math:`b_j = 0`). Reverse-keyed items of an
instrument are flipped (:math:`x \to \min + \max - x`) so that scoring them
back gives the same construct.

Retest: :math:`\eta^{(2)} = s\,\eta^{(1)} + \sqrt{1-s^2}\,\zeta`, with
:math:`\zeta \sim N(0, \Phi)` and ``stability`` *s* (true change is noise with
the same structure; :math:`\Phi` is preserved), fresh item errors, same items.

The truth is :math:`\Phi`: the correlations between the constructs
themselves, which disattenuated observed correlations estimate.

Examples
--------
>>> from evaluation.simulate.pairs import simulate_pairs
>>> sim = simulate_pairs(n=50, seed=1, cross={("a_capability", "b_readiness"): 0.7})
>>> sim.data_a.shape, sim.data_b.shape
((50, 11), (50, 13))
>>> float(sim.truth["phi"].loc[("A", "a_capability"), ("B", "b_readiness")])
0.7
>>> sim.data_a["respondent_id"].equals(sim.retest_a["respondent_id"])
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["SimulatedPairs", "simulate_pairs", "DEFAULT_SPEC_A", "DEFAULT_SPEC_B"]

#: Default instrument A when none is given: two constructs of five items (1..6).
DEFAULT_SPEC_A: dict[str, list[str]] = {
    "a_capability": [f"a_cap_{j}" for j in range(1, 6)],
    "a_legacy": [f"a_leg_{j}" for j in range(1, 6)],
}
#: Default instrument B: three constructs of four items (1..5).
DEFAULT_SPEC_B: dict[str, list[str]] = {
    "b_readiness": [f"b_rea_{j}" for j in range(1, 5)],
    "b_data": [f"b_dat_{j}" for j in range(1, 5)],
    "b_green": [f"b_gre_{j}" for j in range(1, 5)],
}


@dataclass(frozen=True)
class SimulatedPairs:
    """Two instruments answered by the same respondents, plus a retest.

    ``data_a``/``data_b`` (and ``retest_a``/``retest_b``) are in the import
    format: ``respondent_id`` then one column per item id with integer codes.
    ``truth`` holds ``phi`` (latent correlation matrix, MultiIndex
    ``(instrument, construct)``), ``cross`` (tidy a, b, r), ``stability``,
    ``constructs_a``/``constructs_b`` ({construct: [item ids]}), ``loadings``,
    ``difficulties``, ``scale_a``/``scale_b`` and the latent scores
    ``latent_t1``/``latent_t2``.
    """

    data_a: pd.DataFrame
    data_b: pd.DataFrame
    retest_a: pd.DataFrame
    retest_b: pd.DataFrame
    truth: Mapping[str, Any] = field(repr=False)


def _spec(instrument: Any, level: str, default: dict[str, list[str]],
          scale: tuple[int, int] | None, default_scale: tuple[int, int]):
    """Return ({construct: [item ids]}, (min, max), reversed item ids, id)."""
    if instrument is None:
        return dict(default), scale or default_scale, set(), None
    if isinstance(instrument, Mapping):
        spec = {str(k): [str(i) for i in v] for k, v in instrument.items()}
        return spec, scale or default_scale, set(), None
    if isinstance(instrument, str):
        from evaluation.data.instruments import load_instrument

        instrument = load_instrument(instrument)
    if level == "dimension":
        spec = instrument.dimension_items()
    elif level == "category":
        spec = instrument.category_items()
    else:
        raise ValueError(f"level must be 'dimension' or 'category' (got {level!r}).")
    rev = {it.id for it in instrument.items if it.reverse}
    return spec, (instrument.scale.min, instrument.scale.max), rev, instrument.id


def _answers(eta: np.ndarray, spec: dict[str, list[str]], lam: dict[str, float],
             diff: dict[str, float], scale: tuple[int, int], reverse: set[str],
             rng: np.random.Generator) -> dict[str, np.ndarray]:
    lo, hi = scale
    k = hi - lo + 1
    cuts = stats.norm.ppf(np.arange(1, k) / k)
    out = {}
    for c, (construct, items) in enumerate(spec.items()):
        for item in items:
            lj = lam[item]
            ystar = lj * eta[:, c] + np.sqrt(1 - lj**2) * rng.standard_normal(len(eta)) - diff[item]
            code = lo + np.searchsorted(cuts, ystar)
            if item in reverse:
                code = lo + hi - code
            out[item] = code.astype(int)
    return out


def simulate_pairs(
    instrument_a: Any = None,
    instrument_b: Any = None,
    *,
    n: int = 300,
    seed: int = 0,
    level: str | tuple[str, str] = "dimension",
    cross: Mapping[tuple[str, str], float] | None = None,
    cross_default: float = 0.2,
    within_a: float = 0.4,
    within_b: float = 0.4,
    loadings: tuple[float, float] = (0.6, 0.8),
    difficulty: float = 0.3,
    stability: float = 0.85,
    scale_a: tuple[int, int] | None = None,
    scale_b: tuple[int, int] | None = None,
    id_column: str = "respondent_id",
) -> SimulatedPairs:
    """Generate respondents answering instruments A and B, and a retest of both.

    Parameters
    ----------
    instrument_a, instrument_b : Instrument, instrument id, mapping or None
        An instrument (its dimensions -- or categories with
        ``level="category"`` -- are the constructs), or
        ``{construct: [item ids]}``, or None for :data:`DEFAULT_SPEC_A` /
        :data:`DEFAULT_SPEC_B`.
    n : int
        Respondents (all answer both instruments and both occasions).
    seed : int
        Seed for everything.
    level : "dimension", "category", or a pair (level of A, level of B)
    cross : {(construct of A, construct of B): r}, optional
        True correlations between constructs of the two instruments.
    cross_default : float
        True correlation of A--B pairs not in ``cross``.
    within_a, within_b : float
        True correlation between constructs of the same instrument.
    loadings : (low, high)
        Item loadings drawn uniformly in this range.
    difficulty : float
        Item difficulties drawn uniformly in (−difficulty, difficulty).
    stability : float
        Correlation of each latent score between test and retest.
    scale_a, scale_b : (min, max), optional
        Scale codes for mappings/defaults (default 1..6 for A, 1..5 for B);
        an instrument's own scale is used otherwise.
    id_column : str
        Name of the linking column.

    Returns
    -------
    SimulatedPairs

    Raises
    ------
    ValueError
        If the implied correlation matrix is not positive definite, or on bad
        arguments.
    """
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer of at least 2 (got {n!r}).")
    if not (0 <= stability <= 1):
        raise ValueError(f"stability must lie in [0, 1] (got {stability!r}).")
    lo_l, hi_l = loadings
    if not (0 < lo_l <= hi_l < 1):
        raise ValueError(f"loadings must satisfy 0 < low <= high < 1 (got {loadings!r}).")
    level_a, level_b = (level, level) if isinstance(level, str) else tuple(level)
    spec_a, sc_a, rev_a, id_a = _spec(instrument_a, level_a, DEFAULT_SPEC_A, scale_a, (1, 6))
    spec_b, sc_b, rev_b, id_b = _spec(instrument_b, level_b, DEFAULT_SPEC_B, scale_b, (1, 5))
    ca, cb = list(spec_a), list(spec_b)
    p, q = len(ca), len(cb)
    phi = np.eye(p + q)
    phi[:p, :p] = np.where(np.eye(p) == 1, 1.0, within_a)
    phi[p:, p:] = np.where(np.eye(q) == 1, 1.0, within_b)
    phi[:p, p:] = cross_default
    for (x, y), r in (cross or {}).items():
        if x not in ca or y not in cb:
            raise ValueError(
                f"cross names ({x!r}, {y!r}); constructs of A are {ca}, of B {cb}."
            )
        phi[ca.index(x), p + cb.index(y)] = r
    phi[p:, :p] = phi[:p, p:].T
    if np.linalg.eigvalsh(phi).min() <= 1e-10:
        raise ValueError(
            "The true correlations (within_a, within_b, cross, cross_default) do not form a "
            "positive-definite matrix; lower the within-instrument or cross correlations."
        )
    idx = pd.MultiIndex.from_tuples([("A", c) for c in ca] + [("B", c) for c in cb],
                                    names=["instrument", "construct"])
    rng = np.random.default_rng(seed)
    items = [i for v in spec_a.values() for i in v] + [i for v in spec_b.values() for i in v]
    if len(set(items)) != len(items):
        raise ValueError("Item ids of the two instruments overlap; give them distinct ids.")
    lam = dict(zip(items, rng.uniform(lo_l, hi_l, len(items)), strict=True))
    diff = dict(zip(items, rng.uniform(-difficulty, difficulty, len(items)), strict=True))
    chol = np.linalg.cholesky(phi)
    eta1 = rng.standard_normal((n, p + q)) @ chol.T
    eta2 = stability * eta1 + np.sqrt(1 - stability**2) * (rng.standard_normal((n, p + q)) @ chol.T)
    ids = [f"P{i + 1:04d}" for i in range(n)]

    def frame(eta: np.ndarray, spec, sc, rev, cols) -> pd.DataFrame:
        ans = _answers(eta[:, cols], spec, lam, diff, sc, rev, rng)
        return pd.DataFrame({id_column: ids, **ans})

    a1 = frame(eta1, spec_a, sc_a, rev_a, slice(0, p))
    b1 = frame(eta1, spec_b, sc_b, rev_b, slice(p, p + q))
    a2 = frame(eta2, spec_a, sc_a, rev_a, slice(0, p))
    b2 = frame(eta2, spec_b, sc_b, rev_b, slice(p, p + q))
    cross_tidy = pd.DataFrame(
        [{"a": x, "b": y, "r": float(phi[i, p + j])} for i, x in enumerate(ca) for j, y in enumerate(cb)]
    )
    truth = {
        "phi": pd.DataFrame(phi, index=idx, columns=idx),
        "cross": cross_tidy,
        "stability": float(stability),
        "constructs_a": spec_a,
        "constructs_b": spec_b,
        "instrument_a": id_a,
        "instrument_b": id_b,
        "loadings": lam,
        "difficulties": diff,
        "scale_a": sc_a,
        "scale_b": sc_b,
        "latent_t1": pd.DataFrame(eta1, columns=idx, index=ids),
        "latent_t2": pd.DataFrame(eta2, columns=idx, index=ids),
    }
    return SimulatedPairs(a1, b1, a2, b2, truth)

"""Horn's parallel analysis: how many factors the data support (as ``psych::fa.parallel``).

Split from :mod:`evaluation.stats.structure` (one module per concept; the
names are still served from there). Tested against R psych in
``tests/test_structure.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from evaluation.stats.sem_input import _as_frame, _numeric_columns, _threadpool_limits

__all__ = ["ParallelAnalysisResult", "parallel_analysis"]


# --------------------------------------------------------------------------
# parallel analysis
# --------------------------------------------------------------------------
def _minres_communalities(r: np.ndarray) -> np.ndarray:
    """Communalities of a one-factor minimum-residual solution, as psych.

    psych's ``fa(fm="minres")`` minimises, over the uniquenesses ``psi``
    (bounded to [0.005, 1]), the sum of squared off-diagonal residuals
    ``sum_{i<j} (r_ij - l_i l_j)^2`` where ``l`` is the first eigenvector of
    ``R - diag(psi)`` scaled by the root of its eigenvalue, stepping along
    ``l_i^2 + psi_i - 1``; at the solution ``h2_i = l_i^2``. The same
    objective, gradient and bounds are used here, so bound (Heywood) cases
    agree with psych too.
    """
    p = r.shape[0]
    low = np.tril_indices(p, -1)
    try:
        smc = 1.0 - 1.0 / np.diag(np.linalg.inv(r))
    except np.linalg.LinAlgError:
        smc = np.full(p, 0.5)

    def loadings(psi):
        a = r.copy()
        a[np.diag_indices(p)] = 1.0 - psi
        vals, vecs = np.linalg.eigh(a)
        return vecs[:, -1] * np.sqrt(max(vals[-1], 100 * np.finfo(float).eps))

    def fun(psi):
        lam = loadings(psi)
        res = (r - np.outer(lam, lam))[low]
        return np.sum(res * res), lam**2 + psi - 1.0

    start = np.clip(1.0 - smc, 0.005, 1.0)
    sol = optimize.minimize(fun, start, jac=True, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * p,
                            options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 1000})
    return loadings(sol.x) ** 2


def _fa_values(r: np.ndarray) -> np.ndarray:
    reduced = r.copy()
    np.fill_diagonal(reduced, _minres_communalities(r))
    return np.linalg.eigvalsh(reduced)[::-1]


@dataclass(frozen=True, eq=False)
class ParallelAnalysisResult:
    """Result of :func:`parallel_analysis`.

    Attributes
    ----------
    n_factors : int
        Suggested number of factors (``fa="fa"``) or components (``fa="pc"``):
        how many leading observed eigenvalues exceed the simulated quantile.
    eigen : DataFrame
        Index ``component`` (1..k); columns ``observed``, ``simulated_mean``,
        ``simulated_quantile``.
    fa, n_iter, quantile, seed : as passed.
    n : int
        Number of respondents (rows with at least one answer).
    k : int
        Number of items.
    """

    n_factors: int
    eigen: pd.DataFrame
    fa: str
    n_iter: int
    quantile: float
    seed: int
    n: int
    k: int

    def to_frame(self) -> pd.DataFrame:
        """The eigenvalue table (a copy)."""
        return self.eigen.copy()


def parallel_analysis(
    items: Any,
    *,
    n_iter: int = 100,
    quantile: float = 0.95,
    seed: int = 0,
    fa: str = "pc",
) -> ParallelAnalysisResult:
    """Horn's parallel analysis: how many factors do the data support?

    The eigenvalues of the observed correlation matrix are compared with those
    of correlation matrices of uncorrelated normal data of the same size
    (``n_iter`` simulations). The suggested number is the count of leading
    observed eigenvalues larger than the ``quantile`` of the simulated ones
    (Glorfeld's 95 % variant by default; ``psych::fa.parallel`` with
    ``quant=.95`` does the same).

    ``fa="pc"`` uses principal-component eigenvalues (of R). ``fa="fa"`` uses
    the eigenvalues of the reduced matrix R with the communalities of a
    one-factor minimum-residual solution on the diagonal, as psych does.

    Correlations are pairwise (each pair on the respondents answering both, as
    psych's ``use="pairwise"``); rows with no answer at all are dropped.

    Parameters
    ----------
    items : DataFrame or ResponseSet
        Item scores, one column per item.
    n_iter : int, default 100
        Number of simulated data sets.
    quantile : float, default 0.95
        Quantile of the simulated eigenvalues an observed one must exceed.
    seed : int, default 0
        Seed of the normal generator (results are reproducible).
    fa : {"pc", "fa"}, default "pc"
        Components or common factors.

    Returns
    -------
    ParallelAnalysisResult

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in
    factor analysis. Psychometrika, 30, 179-185.
    Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis
    methodology. Educational and Psychological Measurement, 55, 377-393.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> x = np.hstack([f[:, [0]] + rng.normal(size=(300, 4)),
    ...                f[:, [1]] + rng.normal(size=(300, 4))])
    >>> res = parallel_analysis(pd.DataFrame(x), n_iter=50)
    >>> res.n_factors
    2
    >>> list(res.eigen.columns)
    ['observed', 'simulated_mean', 'simulated_quantile']
    """
    with _threadpool_limits(limits=1):
        return _parallel_analysis(items, n_iter=n_iter, quantile=quantile, seed=seed, fa=fa)


def _parallel_analysis(items, *, n_iter, quantile, seed, fa):
    if fa not in ("pc", "fa"):
        raise ValueError(f'fa must be "pc" (components) or "fa" (common factors); got {fa!r}.')
    if not (isinstance(n_iter, (int, np.integer)) and n_iter >= 1):
        raise ValueError(f"n_iter must be a positive whole number; got {n_iter!r}.")
    if not 0.0 < float(quantile) < 1.0:
        raise ValueError(f"quantile must lie strictly between 0 and 1; got {quantile!r}.")
    frame = _as_frame(items, "items")
    frame = _numeric_columns(frame, list(frame.columns), "item list")
    frame = frame.dropna(how="all")
    n, k = frame.shape
    if k < 2:
        raise ValueError(f"Parallel analysis needs at least 2 items; got {k}.")
    if n < 3:
        raise ValueError(f"Parallel analysis needs at least 3 respondents; got {n}.")
    r = frame.corr().to_numpy()
    if not np.all(np.isfinite(r)):
        bad = frame.columns[~np.isfinite(r).all(axis=0)].tolist()
        raise ValueError(
            f"Correlations with item(s) {bad} are undefined (no variance, or no "
            "respondent answered both items); drop those items first."
        )
    observed = np.linalg.eigvalsh(r)[::-1] if fa == "pc" else _fa_values(r)

    rng = np.random.default_rng(seed)
    sims = np.empty((n_iter, k))
    for it in range(n_iter):
        z = rng.standard_normal((n, k))
        z -= z.mean(axis=0)
        cov = z.T @ z
        d = 1.0 / np.sqrt(np.diag(cov))
        rs = cov * np.outer(d, d)
        sims[it] = np.linalg.eigvalsh(rs)[::-1] if fa == "pc" else _fa_values(rs)
    sim_mean = sims.mean(axis=0)
    sim_q = np.quantile(sims, quantile, axis=0)
    above = observed > sim_q
    n_factors = int(k if above.all() else np.argmin(above))
    eigen = pd.DataFrame(
        {"observed": observed, "simulated_mean": sim_mean, "simulated_quantile": sim_q},
        index=pd.RangeIndex(1, k + 1, name="component"),
    )
    return ParallelAnalysisResult(
        n_factors=n_factors, eigen=eigen, fa=fa, n_iter=int(n_iter),
        quantile=float(quantile), seed=int(seed), n=int(n), k=int(k),
    )

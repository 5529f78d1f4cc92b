"""The one gate every published number passes: value + respondent count → shown or hidden.

A published value carries the number of respondents behind it. :func:`publish`
applies *primary suppression*: every cell whose count ``n < min_group_size``
is replaced by NaN and recorded with a reason code, so a report can say how
many cells it hid and why. The result, :class:`Published`, is what a report
table is built from; :func:`is_gated` lets the report protocol refuse numbers
that did not come through here.

Rule (Hundepool et al., *Statistical Disclosure Control*, 2012, §5.2
"primary sensitive cells", threshold rule): a cell is sensitive when it
describes fewer than ``k`` respondents,

.. math:: \\text{hidden}(c) \\iff n_c < k, \\quad k = \\texttt{min\\_group\\_size}.

Complementary suppression (protection against subtraction across tables) is a
separate step on top of this one and is not done here.

Examples
--------
>>> import pandas as pd
>>> means = pd.DataFrame({"score": [3.2, 4.1, 2.0]}, index=["A", "B", "C"])
>>> out = publish(means, n=pd.Series({"A": 12, "B": 7, "C": 3}))
>>> out.frame["score"].isna().tolist()
[False, False, True]
>>> out.hidden.to_dict("records")
[{'row': 'C', 'column': 'score', 'n': 3, 'reason': 'primary_n_below_min'}]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size

__all__ = ["Published", "publish", "gate_values", "is_gated", "PRIMARY", "MISSING_N"]

PRIMARY = "primary_n_below_min"
MISSING_N = "n_unknown"


@dataclass(frozen=True)
class Published:
    """Values that passed the gate.

    Attributes
    ----------
    frame : DataFrame
        The values, hidden cells set to NaN.
    n : DataFrame
        Respondents behind each cell (same shape as ``frame``).
    hidden : DataFrame
        One row per hidden cell: ``row``, ``column``, ``n``, ``reason``.
    min_group_size : int
        The threshold applied.
    """

    frame: pd.DataFrame
    n: pd.DataFrame
    hidden: pd.DataFrame
    min_group_size: int

    @property
    def n_hidden(self) -> int:
        """Number of cells hidden."""
        return int(len(self.hidden))

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: row, column, value, n, hidden, reason."""
        long = self.frame.stack(future_stack=True).rename("value").to_frame()
        long["n"] = self.n.stack(future_stack=True)
        long.index.names = ["row", "column"]
        long = long.reset_index()
        reasons = {(r, c): why for r, c, why in zip(self.hidden["row"], self.hidden["column"], self.hidden["reason"])}
        long["reason"] = [reasons.get((r, c), "") for r, c in zip(long["row"], long["column"])]
        long["hidden"] = long["reason"] != ""
        return long


def _counts_like(frame: pd.DataFrame, n) -> pd.DataFrame:
    if isinstance(n, pd.DataFrame):
        counts = n.reindex(index=frame.index, columns=frame.columns)
    elif isinstance(n, pd.Series):
        counts = pd.DataFrame({c: n.reindex(frame.index) for c in frame.columns}, index=frame.index)
    elif isinstance(n, str):
        if n not in frame.columns:
            raise ValueError(f"publish: n={n!r} is not a column of the table (columns: {list(frame.columns)}).")
        col = frame[n]
        counts = pd.DataFrame({c: col for c in frame.columns}, index=frame.index)
    elif np.isscalar(n):
        counts = pd.DataFrame(float(n), index=frame.index, columns=frame.columns)
    else:
        raise ValueError(f"publish: n must be a number, a column name, a Series or a DataFrame of counts, not {type(n).__name__}.")
    return counts.astype(float)


def publish(frame: pd.DataFrame, *, n, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> Published:
    """Pass a table of values through primary suppression.

    Parameters
    ----------
    frame : DataFrame
        Values (scores, means, shares, alphas...). A Series is taken as one column.
    n : int, str, Series or DataFrame
        Respondents behind each value: one number for all, the name of a count
        column of ``frame``, a Series per row, or a DataFrame per cell. A cell
        whose count is unknown (NaN) is hidden with reason ``n_unknown``: a
        value with no count is never shown.
    min_group_size : int
        Smallest number of respondents a shown value may describe.

    Returns
    -------
    Published

    Examples
    --------
    >>> import pandas as pd
    >>> publish(pd.DataFrame({"x": [1.0, 2.0]}), n=pd.Series([4, 9])).n_hidden
    1
    """
    k = check_min_group_size(min_group_size)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"publish: expected a DataFrame of values, not {type(frame).__name__}.")
    counts = _counts_like(frame, n)
    small = counts < k
    unknown = counts.isna()
    out = frame.copy()
    records = []
    for j, col in enumerate(frame.columns):
        for i, row in enumerate(frame.index):
            why = MISSING_N if unknown.iat[i, j] else PRIMARY if small.iat[i, j] else ""
            if why:
                count = counts.iat[i, j]
                records.append({"row": row, "column": col, "n": None if np.isnan(count) else int(count), "reason": why})
    mask = (small | unknown).to_numpy()
    if mask.any():
        numeric = all(pd.api.types.is_numeric_dtype(t) for t in out.dtypes)
        out = out.mask(mask) if numeric else out.astype(object).mask(mask)
    hidden = pd.DataFrame(records, columns=["row", "column", "n", "reason"])
    return Published(frame=out, n=counts, hidden=hidden, min_group_size=k)


def is_gated(obj) -> bool:
    """Whether ``obj`` came through :func:`publish`.

    >>> import pandas as pd
    >>> is_gated(publish(pd.DataFrame({"x": [1.0]}), n=10)), is_gated(pd.DataFrame({"x": [1.0]}))
    (True, False)
    """
    return isinstance(obj, Published)


def gate_values(df: pd.DataFrame, *, columns, n, min_group_size: int):
    """Pass the value ``columns`` of ``df`` through the privacy gate with the respondents ``n`` behind them.

    Returns ``(df with those columns as the gate let them through, Published)``: a table is formatted from
    the first and carries the second (``Table(published=...)``), so the report protocol can refuse a table
    whose numbers did not pass :func:`evaluation.privacy.gate.publish`.

    >>> df = pd.DataFrame({"alpha": [0.81, 0.77], "n": [40, 3]}, index=["a", "b"])
    >>> out, gate = gate_values(df, columns=["alpha"], n=df["n"], min_group_size=5)
    >>> out["alpha"].isna().tolist(), gate.n_hidden
    ([False, True], 1)
    """
    cols = [c for c in columns if c in df.columns]
    gate = publish(df[cols], n=n, min_group_size=min_group_size)
    out = df.copy()
    for c in cols:
        out[c] = gate.frame[c]
    return out, gate

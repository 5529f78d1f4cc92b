"""Small-group suppression shared by every table, figure and results.json.

Rule (DESIGN.md): no value may describe a group of fewer than
``min_group_size`` respondents (default 5), and no such value may be
recoverable by subtracting shown values from a shown total.

Primary suppression hides every group with ``n < min_group_size``.
Complementary suppression then hides further groups, smallest first, until the
hidden groups together hold at least ``min_group_size`` respondents (or all
groups are hidden). A reader who subtracts the shown groups from the shown
total therefore learns at most the pooled value of ≥ ``min_group_size``
respondents, never that of a small group. This is the standard cell-suppression
approach of official statistics (e.g. Hundepool et al., *Statistical
Disclosure Control*, 2012, ch. 5).

Examples
--------
>>> import pandas as pd
>>> sizes = pd.Series({"A": 40, "B": 12, "C": 3})
>>> sorted(suppressed_groups(sizes, min_group_size=5))
['B', 'C']
>>> sorted(suppressed_groups(pd.Series({"A": 40, "B": 12, "C": 30}), min_group_size=5))
[]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "check_min_group_size", "suppressed_groups", "suppression_mask"]

DEFAULT_MIN_GROUP_SIZE = 5


def check_min_group_size(min_group_size: object) -> int:
    """Validate ``min_group_size`` (an integer ≥ 1) and return it as int.

    >>> check_min_group_size(5)
    5
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int):
        try:
            as_float = float(min_group_size)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"min_group_size must be a whole number of respondents (1 or more), not {min_group_size!r}.") from None
        if not as_float.is_integer():
            raise ValueError(f"min_group_size must be a whole number of respondents (1 or more), not {min_group_size!r}.")
        min_group_size = int(as_float)
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be 1 or more (it is the smallest group shown); got {min_group_size}.")
    return int(min_group_size)


def suppressed_groups(sizes: pd.Series, *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                      total_shown: bool = True) -> set:
    """Labels of groups whose values must not be shown.

    Parameters
    ----------
    sizes : Series
        Respondents per group (index = group label).
    min_group_size : int
        Smallest group that may be shown.
    total_shown : bool
        Whether a total over all groups is shown beside them (then
        complementary suppression applies).

    Returns
    -------
    set of group labels
    """
    k = check_min_group_size(min_group_size)
    sizes = sizes.astype(float).fillna(0)
    hidden = set(sizes[sizes < k].index)
    if not hidden or not total_shown:
        return hidden
    pooled = float(sizes[list(hidden)].sum())
    rest = sizes.drop(index=list(hidden)).sort_values(kind="stable")
    for label, n in rest.items():
        if pooled >= k:
            break
        hidden.add(label)
        pooled += float(n)
    return hidden


def suppression_mask(counts: pd.DataFrame, *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> pd.DataFrame:
    """Boolean mask (True = hide) for a table of counts, e.g. units × categories.

    Rows are groups (e.g. units), columns are measures shown per group (e.g.
    categories) whose column total over all groups is shown elsewhere. Each
    column gets primary and complementary suppression (see
    :func:`suppressed_groups`), so no hidden cell can be recovered from the
    column total.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"x": [10, 3, 8], "y": [10, 10, 8]}, index=["A", "B", "C"])
    >>> m = suppression_mask(c, min_group_size=5)
    >>> m["x"].tolist(), m["y"].tolist()
    ([False, True, True], [False, False, False])
    """
    k = check_min_group_size(min_group_size)
    mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    for col in counts.columns:
        hidden = suppressed_groups(counts[col], min_group_size=k)
        mask.loc[list(hidden), col] = True
    return mask

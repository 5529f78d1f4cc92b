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

# The rule itself is pure count arithmetic and lives in criteria (the lowest layer), so that scoring can
# apply it without importing upward; this package stays the one place reports and users call.
from evaluation.criteria import DEFAULT_MIN_GROUP_SIZE, check_min_group_size, suppressed_groups

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "check_min_group_size", "suppressed_groups", "suppression_mask"]

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

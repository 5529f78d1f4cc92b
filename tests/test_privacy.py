"""Small-group suppression: no small group shown or recoverable by subtraction."""

import itertools

import numpy as np
import pandas as pd
import pytest

from evaluation.privacy import check_min_group_size, suppressed_groups, suppression_mask


@pytest.mark.parametrize("seed", range(200))
def test_hidden_groups_never_recoverable(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 8))
    counts = rng.integers(1, 30, size=int(rng.integers(1, 7)))
    sizes = pd.Series(counts, index=[f"g{i}" for i in range(len(counts))])
    hidden = suppressed_groups(sizes, min_group_size=k)
    # 1) every group below k is hidden
    assert set(sizes[sizes < k].index) <= hidden
    # 2) the hidden groups pooled hold >= k respondents (what subtraction from the total reveals)
    if hidden:
        assert sizes[list(hidden)].sum() >= k or hidden == set(sizes.index)
    # 3) no subset of shown groups plus the total pins down a single small group:
    #    the only recoverable aggregate is the pooled hidden set
    shown = set(sizes.index) - hidden
    for r in range(len(shown) + 1):
        for combo in itertools.combinations(sorted(shown), r):
            rest = set(sizes.index) - set(combo)
            if rest and rest <= hidden:
                assert rest == hidden


def test_no_total_means_no_complementary():
    assert suppressed_groups(pd.Series({"a": 3, "b": 50}), min_group_size=5, total_shown=False) == {"a"}


def test_whole_table_hidden_if_needed():
    assert suppressed_groups(pd.Series({"a": 3, "b": 1}), min_group_size=5) == {"a", "b"}


def test_mask_columnwise():
    c = pd.DataFrame({"x": [10, 3, 8, 20], "y": [10, 10, 8, 20]}, index=list("ABCD"))
    m = suppression_mask(c, min_group_size=5)
    assert m["x"].tolist() == [False, True, True, False] and not m["y"].any()


@pytest.mark.parametrize("bad", [0, -1, 2.5, "five", None])
def test_min_group_size_validation(bad):
    with pytest.raises(ValueError, match="min_group_size"):
        check_min_group_size(bad)

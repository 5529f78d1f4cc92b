"""Every published cut-off the kit judges by, defined once with its reference.

Reports, statistics and the comparison all read these objects; no module
writes ``0.95`` or ``> 0.95`` of its own. A :class:`Cutoff` knows its
direction, so CFI = 0.95 passes in every report alike (Hu & Bentler's
"close to .95 or above" is read as ``≥``).

>>> HU_BENTLER["cfi"].passes(0.95), HU_BENTLER["rmsea"].passes(0.061)
(True, False)
>>> str(HU_BENTLER["srmr"])
'srmr ≤ 0.08'
>>> reliability_band(0.93), reliability_band(0.75), reliability_band(0.6)
('individual', 'group', 'low')

The smallest group a published number may describe (``DEFAULT_MIN_GROUP_SIZE``)
and the rule that applies it to group sizes (:func:`suppressed_groups`,
primary and complementary suppression) are here too, so that scoring can use
them; :mod:`evaluation.privacy` serves them to everything above.

>>> import pandas as pd
>>> sorted(suppressed_groups(pd.Series({"A": 40, "B": 12, "C": 3}), min_group_size=5))
['B', 'C']
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Cutoff", "HU_BENTLER", "CONFIGURAL_FIT", "RELIABILITY_GROUP", "RELIABILITY_INDIVIDUAL",
           "OMEGA_H_GENERAL", "COSMIN_STRUCTURAL", "COSMIN_INTERNAL_CONSISTENCY", "COSMIN_RELIABILITY",
           "TERWEE_HYPOTHESES", "CHEN_2007", "CHEUNG_RENSVOLD_2002", "ICC1_AGGREGATION", "ICC2_AGGREGATION",
           "RWG_AGREEMENT", "DIF_R2_CHANGE", "DIF_P", "WLSMV_MIN_N", "INVARIANCE_P", "aggregation_justified", "dif_flag",
           "WEAK_LOADING", "DISCRIMINANT_R", "ITEM_REST_R",
           "reliability_band", "REFERENCES", "DEFAULT_MIN_GROUP_SIZE", "check_min_group_size", "suppressed_groups"]

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
_SHOW = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Cutoff:
    """One published rule ``statistic op value``, with the work that proposed it."""

    statistic: str
    op: str
    value: float
    reference: str

    def passes(self, x: float | None) -> bool | None:
        """True/False; None when ``x`` is missing (nothing to judge)."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return None
        return bool(_OPS[self.op](float(x), self.value))

    def __str__(self) -> str:
        return f"{self.statistic} {_SHOW[self.op]} {self.value:g}"


REFERENCES = {
    "hu_bentler_1999": "Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure "
                       "analysis. Structural Equation Modeling, 6(1), 1–55.",
    "nunnally_1994": "Nunnally, J. C., & Bernstein, I. H. (1994). Psychometric theory (3rd ed.). McGraw-Hill.",
    "rodriguez_2016": "Rodriguez, A., Reise, S. P., & Haviland, M. G. (2016). Evaluating bifactor models. "
                      "Psychological Methods, 21(2), 137–150.",
    "brown_2015": "Brown, T. A. (2015). Confirmatory factor analysis for applied research (2nd ed.). Guilford.",
    "prinsen_2018": "Prinsen, C. A. C., et al. (2018). COSMIN guideline for systematic reviews of patient-reported "
                    "outcome measures. Quality of Life Research, 27, 1147–1157.",
    "terwee_2007": "Terwee, C. B., et al. (2007). Quality criteria were proposed for measurement properties of "
                   "health status questionnaires. Journal of Clinical Epidemiology, 60(1), 34–42.",
    "chen_2007": "Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. "
                 "Structural Equation Modeling, 14(3), 464–504.",
    "hundepool_2012": "Hundepool, A., et al. (2012). Statistical Disclosure Control. Wiley, ch. 5 (cell "
                      "suppression).",
    "cheung_rensvold_2002": "Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for testing "
                            "measurement invariance. Structural Equation Modeling, 9(2), 233–255.",
    "bliese_2000": "Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J. Klein "
                   "& S. W. J. Kozlowski (Eds.), Multilevel theory, research, and methods in organizations "
                   "(pp. 349–381). Jossey-Bass.",
    "lebreton_senter_2008": "LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater "
                            "reliability and interrater agreement. Organizational Research Methods, 11(4), 815–852.",
    "zumbo_1999": "Zumbo, B. D. (1999). A handbook on the theory and methods of differential item functioning (DIF). "
                  "Directorate of Human Resources Research and Evaluation, Department of National Defense.",
    "choi_2011": "Choi, S. W., Gibbons, L. E., & Crane, P. K. (2011). lordif: An R package for detecting "
                 "differential item functioning using iterative hybrid ordinal logistic regression/item response "
                 "theory and Monte Carlo simulations. Journal of Statistical Software, 39(8), 1–30.",
    "satorra_2000": "Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of moment "
                    "structures. In R. D. H. Heijmans, D. S. G. Pollock & A. Satorra (Eds.), Innovations in "
                    "multivariate statistical analysis (pp. 233–247). Kluwer.",
    "flora_curran_2004": "Flora, D. B., & Curran, P. J. (2004). An empirical evaluation of alternative methods of "
                         "estimation for confirmatory factor analysis with ordinal data. Psychological Methods, 9(4), "
                         "466–491.",
}

#: Good fit (Hu & Bentler 1999): CFI/TLI ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08.
HU_BENTLER: dict[str, Cutoff] = {
    "cfi": Cutoff("cfi", ">=", 0.95, "hu_bentler_1999"),
    "tli": Cutoff("tli", ">=", 0.95, "hu_bentler_1999"),
    "rmsea": Cutoff("rmsea", "<=", 0.06, "hu_bentler_1999"),
    "srmr": Cutoff("srmr", "<=", 0.08, "hu_bentler_1999"),
}
#: Acceptable configural fit before invariance steps are compared (CFI ≥ 0.90, RMSEA ≤ 0.08).
CONFIGURAL_FIT: dict[str, Cutoff] = {
    "cfi": Cutoff("cfi", ">=", 0.90, "hu_bentler_1999"),
    "rmsea": Cutoff("rmsea", "<=", 0.08, "hu_bentler_1999"),
}
#: Reliability enough to compare groups, and to judge single respondents (Nunnally & Bernstein 1994).
RELIABILITY_GROUP = Cutoff("reliability", ">=", 0.70, "nunnally_1994")
RELIABILITY_INDIVIDUAL = Cutoff("reliability", ">=", 0.90, "nunnally_1994")
#: omega_h at or above this: the total score mainly reflects one general factor (Rodriguez et al. 2016).
OMEGA_H_GENERAL = Cutoff("omega_h", ">=", 0.80, "rodriguez_2016")
#: A standardised loading at or above this is substantial; below it an item is called weak (a common rule
#: of thumb, Brown 2015, ch. 4; the psychometrics review and its GRM section both read it).
WEAK_LOADING = Cutoff("abs_std_loading", ">=", 0.40, "brown_2015")
#: Corrected item–rest correlation at or above this: the item measures what its scale measures (Nunnally &
#: Bernstein 1994, ch. 8; below it the item may measure something else).
ITEM_REST_R = Cutoff("r_drop", ">=", 0.30, "nunnally_1994")
#: Factor correlations at or above this: two factors hardly distinct (discriminant validity, Brown 2015, ch. 5).
DISCRIMINANT_R = Cutoff("abs_factor_r", ">=", 0.85, "brown_2015")
#: COSMIN structural validity "+" (Prinsen et al. 2018): any of CFI/TLI, RMSEA, SRMR meets Hu & Bentler.
COSMIN_STRUCTURAL = HU_BENTLER
#: COSMIN internal consistency "+": structural validity "+" and every (sub)scale's alpha ≥ 0.70.
COSMIN_INTERNAL_CONSISTENCY = RELIABILITY_GROUP
#: COSMIN reliability "+": ICC or weighted kappa ≥ 0.70.
COSMIN_RELIABILITY = Cutoff("icc", ">=", 0.70, "prinsen_2018")
#: Hypotheses testing "+": at least 75 % of the hypotheses confirmed (Terwee et al. 2007).
TERWEE_HYPOTHESES = Cutoff("share_confirmed", ">=", 0.75, "terwee_2007")
#: Non-invariance (Chen 2007): ΔCFI ≤ −0.010 together with ΔRMSEA ≥ 0.015 or ΔSRMR ≥ 0.030
#: (metric step; 0.010 for the scalar step).
CHEN_2007 = {
    "delta_cfi": Cutoff("delta_cfi", "<=", -0.010, "chen_2007"),
    "delta_rmsea": Cutoff("delta_rmsea", ">=", 0.015, "chen_2007"),
    "delta_srmr_metric": Cutoff("delta_srmr", ">=", 0.030, "chen_2007"),
    "delta_srmr_scalar": Cutoff("delta_srmr", ">=", 0.010, "chen_2007"),
}
#: Non-invariance (Cheung & Rensvold 2002): ΔCFI ≤ −0.01.
CHEUNG_RENSVOLD_2002 = {"delta_cfi": Cutoff("delta_cfi", "<=", -0.01, "cheung_rensvold_2002")}

#: Aggregating respondent scores to unit means (Bliese 2000; LeBreton & Senter 2008): the unit explains a
#: non-trivial share of the variance (ICC(1) ≥ 0.05), the unit means are reliable (ICC(2) ≥ 0.70) and the
#: respondents of a unit agree (rwg(J) ≥ 0.70, "strong agreement" starts there in LeBreton & Senter's table 3).
ICC1_AGGREGATION = Cutoff("icc1", ">=", 0.05, "bliese_2000")
ICC2_AGGREGATION = Cutoff("icc2", ">=", 0.70, "lebreton_senter_2008")
RWG_AGREEMENT = Cutoff("rwg_j", ">=", 0.70, "lebreton_senter_2008")
#: An item shows DIF worth reporting when the likelihood-ratio test is significant at the 1 % level and
#: McFadden's R² grows by at least 0.02 (lordif's defaults, Choi et al. 2011, after Zumbo 1999).
DIF_R2_CHANGE = Cutoff("r2_change", ">=", 0.02, "choi_2011")
DIF_P = Cutoff("p", "<", 0.01, "choi_2011")
#: WLSMV estimates and scaled tests behave at N ≥ 100 per group in Flora & Curran's (2004) simulations
#: (the smallest N they studied); fewer rows are not fitted.
WLSMV_MIN_N = Cutoff("n", ">=", 100, "flora_curran_2004")
#: An invariance step fails when its scaled chi-square difference test (Satorra 2000, lavaan's lavTestLRT)
#: rejects at the 5 % level: the cut-off is the test's conventional level, not a fit-index rule.
INVARIANCE_P = Cutoff("p_diff", "<", 0.05, "satorra_2000")


def aggregation_justified(icc1: float | None, icc2: float | None, rwg_median: float | None) -> bool | None:
    """True when ICC(1), ICC(2) and the median rwg(J) all meet their cut-offs; None when one is missing.

    >>> aggregation_justified(0.12, 0.81, 0.78), aggregation_justified(0.02, 0.81, 0.78)
    (True, False)
    >>> aggregation_justified(0.12, 0.81, float("nan")) is None
    True
    """
    verdicts = [ICC1_AGGREGATION.passes(icc1), ICC2_AGGREGATION.passes(icc2), RWG_AGREEMENT.passes(rwg_median)]
    return None if any(v is None for v in verdicts) else all(verdicts)


def dif_flag(p: float | None, r2_change: float | None) -> bool | None:
    """True when an item's DIF test has p < 0.01 and McFadden ΔR² ≥ 0.02; None when a value is missing.

    >>> dif_flag(0.001, 0.035), dif_flag(0.001, 0.004), dif_flag(0.2, 0.05)
    (True, False, False)
    """
    a, b = DIF_P.passes(p), DIF_R2_CHANGE.passes(r2_change)
    return None if a is None or b is None else a and b


def reliability_band(value: float | None) -> str | None:
    """``"individual"`` (≥ 0.90), ``"group"`` (≥ 0.70), ``"low"``; None when missing — a reason code."""
    if RELIABILITY_INDIVIDUAL.passes(value) is None:
        return None
    if RELIABILITY_INDIVIDUAL.passes(value):
        return "individual"
    return "group" if RELIABILITY_GROUP.passes(value) else "low"


#: No published number describes fewer respondents (DESIGN.md; primary suppression, hundepool_2012).
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

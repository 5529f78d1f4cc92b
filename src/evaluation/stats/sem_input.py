"""What goes into a factor model: the item frame and the lavaan-style model syntax.

Split from :mod:`evaluation.stats.structure` (one module per concept). The
parser reads the lavaan subset the kit fits (``=~`` loadings, ``~~``
(co)variances, fixed values and labels); the frame helpers take a plain
DataFrame or a kit ``ResponseSet`` (its ``scored()`` items).

>>> spec = _parse_model("f1 =~ a + b + c")
>>> spec.latent, spec.observed
(('f1',), ('a', 'b', 'c'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

try:  # small matrices: BLAS threads cost more than they gain (10x on 2 cores)
    from threadpoolctl import threadpool_limits as _threadpool_limits
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    from contextlib import nullcontext as _nullcontext

    def _threadpool_limits(limits=None):
        return _nullcontext()

__all__: list[str] = []


# --------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------
def _is_response_set(obj: Any) -> bool:
    return hasattr(obj, "scored") and hasattr(obj, "instrument")


def _as_frame(data: Any, what: str = "data") -> pd.DataFrame:
    """A DataFrame of item scores from a DataFrame or a ResponseSet."""
    if _is_response_set(data):
        frame = data.scored()
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise TypeError(
            f"{what} must be a pandas DataFrame of item columns or a ResponseSet "
            f"(from evaluation.data.responses.read_responses); got {type(data).__name__}."
        )
    return frame


def _numeric_columns(frame: pd.DataFrame, columns: list[str], what: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {what} names {missing}, but the data have no such column(s). "
            f"Available columns: {list(frame.columns)[:20]}"
            f"{' ...' if frame.shape[1] > 20 else ''}."
        )
    out = {}
    for c in columns:
        col = frame[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            converted = pd.to_numeric(col, errors="coerce")
            bad = col[converted.isna() & col.notna()]
            if len(bad):
                raise ValueError(
                    f"Column {c!r} must hold numeric item scores; row {bad.index[0]!r} "
                    f"holds {bad.iloc[0]!r}. Recode labels to numbers first (or read the "
                    "file with evaluation.data.responses.read_responses)."
                )
            col = converted
        out[c] = col.astype(float)
    return pd.DataFrame(out, index=frame.index)


# --------------------------------------------------------------------------
# model syntax
# --------------------------------------------------------------------------
_NAME = r"[A-Za-z_.][A-Za-z0-9_.]*"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_OP_RE = re.compile(r"=~|~~|<~|~\*~|:=|==|~|<|>|\|")


@dataclass(frozen=True)
class _Term:
    name: str
    fixed: float | None = None  # a number*name modifier
    free: bool = False  # NA*name


@dataclass(frozen=True)
class _Spec:
    factors: tuple[tuple[str, tuple[_Term, ...]], ...]
    covariances: tuple[tuple[str, str, float | None], ...]
    observed: tuple[str, ...]
    latent: tuple[str, ...]


def _parse_term(text: str, stmt: str) -> _Term:
    text = text.strip()
    if "*" in text:
        mod, name = (s.strip() for s in text.split("*", 1))
        if not re.fullmatch(_NAME, name):
            raise ValueError(f"Cannot read {text!r} in model line {stmt!r}: expected modifier*name.")
        if mod == "NA":
            return _Term(name, free=True)
        if re.fullmatch(_NUMBER, mod):
            return _Term(name, fixed=float(mod))
        raise ValueError(
            f"Model line {stmt!r}: the modifier {mod!r} is not supported. Use a number "
            "(e.g. 1*item fixes a loading) or NA*item (frees it); equality labels are "
            "not supported -- use measurement_invariance() for equality across groups."
        )
    if not re.fullmatch(_NAME, text):
        raise ValueError(
            f"Cannot read {text!r} in model line {stmt!r}: names are letters, digits, "
            "'_' and '.', not starting with a digit."
        )
    return _Term(text)


def _parse_model(model: str) -> _Spec:
    """Read lavaan-style CFA syntax (``=~`` and ``~~`` lines)."""
    if not isinstance(model, str) or not model.strip():
        raise ValueError("model must be a non-empty string of lavaan syntax, e.g. 'f1 =~ a + b + c'.")
    lines = []
    for raw in re.split(r"[\n;]", model):
        line = re.split(r"[#!]", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        if lines and (lines[-1].endswith("+") or line.startswith("+") or not _OP_RE.search(line)):
            lines[-1] = lines[-1] + " " + line
        else:
            lines.append(line)
    factors: dict[str, list[_Term]] = {}
    covs: list[tuple[str, str, float | None]] = []
    for stmt in lines:
        m = _OP_RE.search(stmt)
        if m is None:
            raise ValueError(f"Model line {stmt!r} has no operator; expected 'factor =~ item + item'.")
        op = m.group(0)
        if op not in ("=~", "~~"):
            raise ValueError(
                f"Model line {stmt!r} uses {op!r}; cfa() understands '=~' (a factor and its "
                "items) and '~~' (a covariance or variance), nothing else."
            )
        lhs, rhs = stmt[: m.start()].strip(), stmt[m.end():].strip()
        if not re.fullmatch(_NAME, lhs):
            raise ValueError(f"Model line {stmt!r}: the left side must be one name; got {lhs!r}.")
        if not rhs or rhs.endswith("+"):
            raise ValueError(f"Model line {stmt!r} has nothing (or a dangling '+') on the right side.")
        terms = [_parse_term(t, stmt) for t in rhs.split("+")]
        if op == "=~":
            factors.setdefault(lhs, []).extend(terms)
        else:
            for t in terms:
                if t.free:
                    raise ValueError(f"Model line {stmt!r}: NA* is only meaningful for loadings.")
                covs.append((lhs, t.name, t.fixed))
    if not factors:
        raise ValueError("The model defines no factor; write at least one line 'factor =~ item + item'.")
    latent = tuple(factors)
    observed: list[str] = []
    for f, terms in factors.items():
        names = [t.name for t in terms]
        if len(set(names)) != len(names):
            raise ValueError(f"Factor {f!r} lists an item twice: {names}.")
        for t in terms:
            if t.name in factors:
                raise ValueError(
                    f"Factor {f!r} has the factor {t.name!r} as an indicator; higher-order "
                    "models are not supported."
                )
            if t.name not in observed:
                observed.append(t.name)
    for a, b, _ in covs:
        for v in (a, b):
            if v not in observed and v not in factors:
                raise ValueError(
                    f"The covariance '{a} ~~ {b}' names {v!r}, which is neither a factor nor "
                    "an item of a factor in the model."
                )
        if (a in factors) != (b in factors):
            raise ValueError(f"The covariance '{a} ~~ {b}' mixes a factor and an item; not supported.")
    return _Spec(
        factors=tuple((f, tuple(t)) for f, t in factors.items()),
        covariances=tuple(covs),
        observed=tuple(observed),
        latent=latent,
    )

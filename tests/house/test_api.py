"""The flat public API and the deprecated 0.1 module paths."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import pytest

import evaluation as ev
from evaluation import _compat


def test_every_api_name_resolves_to_its_module():
    assert sorted(ev._API) == sorted(n for n in ev.__all__ if n != "__version__")
    for name, module in ev._API.items():
        obj = getattr(ev, name)
        assert getattr(importlib.import_module(module), name) is obj, name


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        ev.no_such_thing  # noqa: B018


def test_import_is_lazy():
    # `import evaluation` must not pull in pandas, scipy or matplotlib (dmkit start-up stays cheap)
    code = "import sys, evaluation; print(sorted(m for m in ('pandas', 'scipy', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_version_matches_pyproject(root):
    import tomllib

    meta = tomllib.loads((root / "pyproject.toml").read_text())
    assert meta["project"]["version"] == ev.__version__


#: one call through each old path: (old module, function, args)
OLD_CALLS = {
    "evaluation.instruments": ("load_instrument", ("dual_maturity",)),
    "evaluation.responses": ("read_table", None),
    "evaluation.reliability": ("cronbach_alpha", "items"),
    "evaluation.structure": ("parallel_analysis", None),
    "evaluation.comprehension": ("lix", ("En kort mening utan svåra ord.",)),
    "evaluation.stats.comprehension": ("lix_band", (55,)),
    "evaluation.effects": ("power", None),
    "evaluation.compare": ("test_retest", None),
    "evaluation.report": ("to_jsonable", ({"a": 1},)),
    "evaluation.rounds": ("change_between_rounds", None),
    "evaluation.psychometrics": ("judge_fit", None),
    "evaluation.batch": ("size_class", (12000,)),
    "evaluation.benchmark": ("k_anonymise", None),
    "evaluation.simulate_national": ("group_counts", None),
    "evaluation.simulate_pairs": ("simulate_pairs", None),
    "evaluation.templates": ("slugify", ("Solvik kommun",)),
    "evaluation.initiatives": ("assess_initiatives", None),
}


def test_old_paths_cover_every_move():
    assert set(OLD_CALLS) == set(_compat.MOVED)


@pytest.mark.parametrize("old", sorted(OLD_CALLS))
def test_old_path_warns_and_forwards(old):
    sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = importlib.import_module(old)
    assert any(issubclass(w.category, DeprecationWarning) and _compat.MOVED[old] in str(w.message)
               for w in caught), [str(w.message) for w in caught]
    name, args = OLD_CALLS[old]
    new = importlib.import_module(_compat.MOVED[old])
    fn = getattr(mod, name)
    assert fn is getattr(new, _compat.RENAMED.get((old, name), name))
    if args == "items":
        import numpy as np
        import pandas as pd

        rng = np.random.default_rng(0)
        t = rng.normal(size=50)
        items = pd.DataFrame({f"x{i}": t + rng.normal(size=50) for i in range(4)})
        assert fn(items).estimate == pytest.approx(new.cronbach_alpha(items).estimate, abs=0)
    elif args is not None:
        assert fn(*args) == getattr(new, _compat.RENAMED.get((old, name), name))(*args)


def test_from_import_of_old_module_name():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from evaluation import reliability

    from evaluation.stats import reliability as new

    assert reliability.cronbach_alpha is new.cronbach_alpha

"""Module paths of version 0.1, kept for one minor version as deprecated aliases.

Code written against 0.1 imports e.g. ``evaluation.reliability``; since 0.2 the
module lives at ``evaluation.stats.reliability``. Importing an old path gives
a module that forwards every attribute to the new one and emits a
``DeprecationWarning`` naming the new place. The aliases are served by an
import hook rather than by files at the old paths, so the package's folder
list shows only the layers.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

__all__ = ["MOVED", "RENAMED", "MOVED_NAMES", "install"]

#: old module path → new module path (removed in 0.3).
MOVED: dict[str, str] = {
    "evaluation.instruments": "evaluation.data.instruments",
    "evaluation.responses": "evaluation.data.responses",
    "evaluation.reliability": "evaluation.stats.reliability",
    "evaluation.structure": "evaluation.stats.structure",
    "evaluation.comprehension": "evaluation.text.comprehension",
    # 0.2.0: the comprehension review split into stats (numbers, reason codes) and text (words)
    "evaluation.stats.comprehension": "evaluation.text.comprehension",
    "evaluation.effects": "evaluation.stats.effects",
    "evaluation.compare": "evaluation.stats.agreement",
    "evaluation.report": "evaluation.reports.protocol",
    "evaluation.rounds": "evaluation.reports.round",
    "evaluation.psychometrics": "evaluation.reports.psychometrics",
    "evaluation.batch": "evaluation.run.batch",
    "evaluation.benchmark": "evaluation.run.national_benchmark",
    "evaluation.simulate_national": "evaluation.simulate.national",
    "evaluation.simulate_pairs": "evaluation.simulate.pairs",
    "evaluation.templates": "evaluation.admin.templates",
    "evaluation.initiatives": "evaluation.admin.initiatives",
}

#: (old module, old name) → new name, for functions renamed in the move.
RENAMED: dict[tuple[str, str], str] = {
    ("evaluation.compare", "test_retest"): "retest_reliability",
    ("evaluation.compare", "TestRetest"): "RetestResult",
}


#: (old module, name) → the module that holds it now, for names that left the old module's successor
#: when it was split (statistics stayed in stats/, the report parts went to reports/, figures to plots/).
MOVED_NAMES: dict[tuple[str, str], str] = {
    **{("evaluation.effects", n): "evaluation.reports.workshop" for n in (
        "WorkshopParameters", "WorkshopAnalysis", "validate_workshop_parameters", "analyse_workshop",
        "workshop_headings", "design_markdown", "effects_table", "forest_table", "main_comparison",
        "mde_markdown", "planning_table", "reaction_markdown", "reaction_table", "conclusion_markdown",
        "before_after_plot")},
    **{("evaluation.compare", n): "evaluation.reports.comparison" for n in (
        "ComparisonParameters", "validate_comparison_parameters", "run_comparison")},
    **{("evaluation.compare", n): "evaluation.text.comparison" for n in ("landis_koch",)},
    # 0.1 signatures with language=: served by thin wrappers over the language-free functions
    ("evaluation.compare", "cosmin_summary"): "evaluation.reports.comparison:cosmin_summary_v01",
    ("evaluation.compare", "compare_instruments"): "evaluation.reports.comparison:compare_instruments_v01",
}


class _AliasModule(types.ModuleType):
    """A stand-in for an old module path: forwards attribute access to the new module."""

    def __init__(self, old: str, new: str):
        super().__init__(old, f"Deprecated alias of {new}.")
        self.__dict__["_dmkit_target"] = new

    def _target(self):
        return importlib.import_module(self.__dict__["_dmkit_target"])

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        renamed = RENAMED.get((self.__name__, name))
        elsewhere = MOVED_NAMES.get((self.__name__, renamed or name))
        if elsewhere is not None:  # "module" or "module:name"
            module, _, new_name = elsewhere.partition(":")
            return getattr(importlib.import_module(module), new_name or renamed or name)
        return getattr(self._target(), renamed or name)

    def __dir__(self):
        return sorted(set(dir(self._target())) | {old for (mod, old) in RENAMED if mod == self.__name__}
                      | {n for (mod, n) in MOVED_NAMES if mod == self.__name__})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        new = MOVED[spec.name]
        warnings.warn(f"{spec.name} has moved to {new}; import it from there (the old path goes in 0.3).",
                      DeprecationWarning, stacklevel=3)
        importlib.import_module(new)
        return _AliasModule(spec.name, new)

    def exec_module(self, module):
        return None


def install() -> None:
    """Add the alias finder to ``sys.meta_path`` once."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())

"""Open digital-maturity evaluation kit for Swedish municipalities.

The public API is flat, as in pingouin: ``import evaluation as ev`` and then
``ev.read_responses(...)``, ``ev.cronbach_alpha(...)``, ``ev.cfa(...)``. Names
are loaded lazily on first use, so ``import evaluation`` (and ``dmkit``'s
start-up) stays cheap.

The package is layered; data flow one way and a layer never imports one
above it (``tests/test_layers.py`` enforces it)::

    data/       instruments (YAML → Instrument), survey-export readers → ResponseSet, package data
    scoring     item → category → dimension → organisation scores
    stats/      pure statistics: numbers and reason codes; no language, figures or files
    privacy/    disclosure control: every published number passes here
    plots/      every figure (a matplotlib Figure each)
    text/       the message catalogue (sv, en) and the one number formatter
    reports/    the report protocol and the four reports (round, psychometrics, workshop, comparison)
    run/        batch runs, the national benchmark file
    simulate/   synthetic data with known truth
    admin/      templates for municipalities, initiative triage
    cli         ``dmkit``, thin

>>> import evaluation as ev
>>> sim = ev.simulate_round("dual_maturity", n=200, seed=1)
>>> rs = ev.read_responses(sim.data, "dual_maturity")
>>> round(ev.cronbach_alpha(rs.scored().iloc[:, :5]).estimate, 2)   # the five "understand" items
0.85
"""

from __future__ import annotations

import importlib
from typing import Any

from evaluation import _compat

__version__ = "0.2.0"

#: public name → module that defines it. Add a line here to export a name flat.
_API: dict[str, str] = {
    # data: instruments, survey exports, package data
    "Instrument": "evaluation.data.instruments",
    "InstrumentError": "evaluation.data.instruments",
    "load_instrument": "evaluation.data.instruments",
    "list_instruments": "evaluation.data.instruments",
    "VersionChange": "evaluation.data.instruments",
    "ResponseSet": "evaluation.data.responses",
    "ResponseError": "evaluation.data.responses",
    "read_responses": "evaluation.data.responses",
    "read_table": "evaluation.data.responses",
    "AmbiguousCodeError": "evaluation.data.responses",
    "read_export": "evaluation.data.readers",
    "detect_tool": "evaluation.data.readers",
    "load_mapping": "evaluation.data.mapping",
    "MappingError": "evaluation.data.mapping",
    "match_items": "evaluation.data.matching",
    "merge_spellings": "evaluation.data.units",
    "resource_dir": "evaluation.data.resources",
    # scoring
    "respondent_scores": "evaluation.scoring",
    "group_scores": "evaluation.scoring",
    "organisation_scores": "evaluation.scoring",
    "mean_ci": "evaluation.scoring",
    "classify": "evaluation.scoring",
    # statistics: reliability and items
    "cronbach_alpha": "evaluation.stats.reliability",
    "alpha_summary": "evaluation.stats.reliability",
    "item_statistics": "evaluation.stats.reliability",
    "mcdonald_omega": "evaluation.stats.reliability",
    "omega_hierarchical": "evaluation.stats.reliability",
    "polychoric": "evaluation.stats.reliability",
    # statistics: factor structure
    "parallel_analysis": "evaluation.stats.structure",
    "cfa": "evaluation.stats.structure",
    "measurement_invariance": "evaluation.stats.structure",
    "instrument_structure": "evaluation.stats.structure",
    # statistics: comprehension signals
    "text_signals": "evaluation.text.comprehension",            # language= (the text's); stats: readability
    "instrument_text_signals": "evaluation.text.comprehension",
    "item_signals": "evaluation.stats.item_signals",
    "comprehension_gradient": "evaluation.stats.gradient",
    "dif_ordinal": "evaluation.stats.dif",
    "lix": "evaluation.stats.readability",
    "wilson_ci": "evaluation.stats.item_signals",
    # statistics: effects of a workshop
    "prepost": "evaluation.stats.effects",
    "then_test": "evaluation.stats.effects",
    "difference_in_differences": "evaluation.stats.did",
    "power": "evaluation.stats.power",
    "minimum_detectable_effect": "evaluation.stats.power",
    "workshop_effects": "evaluation.stats.workshop",
    "choose_design": "evaluation.stats.workshop",
    # statistics: comparing instruments (validity, agreement, retest)
    "convergent_validity": "evaluation.stats.validity",
    "agreement": "evaluation.stats.agreement",
    "retest_reliability": "evaluation.stats.retest",
    "bland_altman": "evaluation.stats.agreement",
    "compare_alphas": "evaluation.stats.retest",
    "cosmin_summary": "evaluation.stats.cosmin",
    "compare_instruments": "evaluation.stats.comparison",
    "load_crosswalk": "evaluation.data.crosswalk",
    # statistics: aggregation, ordinal CFA / IRT, ordinal invariance, DIF (issue 18)
    "group_agreement": "evaluation.stats.aggregation",
    "within_group_agreement": "evaluation.stats.aggregation",
    "unit_means": "evaluation.stats.aggregation",
    "ordinal_cfa": "evaluation.stats.ordinal",
    "ordinal_invariance": "evaluation.stats.ordinal_invariance",
    "dif": "evaluation.stats.dif",
    # privacy
    "check_min_group_size": "evaluation.privacy",
    "suppressed_groups": "evaluation.privacy",
    "suppression_mask": "evaluation.privacy",
    "audit": "evaluation.privacy.audit",
    # reports
    "run_notebook": "evaluation.reports.protocol",
    "read_results": "evaluation.reports.protocol",
    "export_pdf": "evaluation.reports.protocol",
    "write_slides": "evaluation.reports.protocol",
    "analyse_round": "evaluation.reports.round",
    "analyse_workshop": "evaluation.reports.workshop",
    "version_warning_text": "evaluation.reports.round",
    "review_instrument": "evaluation.reports.psychometrics",
    # summary sentences (rules from the numbers)
    "change_sentence": "evaluation.text.summary",
    "benchmark_sentence": "evaluation.text.summary",
    "classification_sentence": "evaluation.text.summary",
    # simulation
    "simulate_round": "evaluation.simulate",
    "simulate_national": "evaluation.simulate.national",
    "simulate_pairs": "evaluation.simulate.pairs",
}

__all__ = sorted(_API) + ["__version__"]

_compat.install()


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'evaluation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # cache: the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))

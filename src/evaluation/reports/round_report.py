"""The survey-round report on the one report protocol (:mod:`evaluation.reports.base`).

>>> from evaluation.reports import report_class
>>> report_class("round").section_ids[0]
'summary'
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.reports.base import Figure, Parameter, Report, Section, Table, escape_md
from evaluation.reports import round as rounds

__all__ = ["RoundReport"]

_ENVELOPE_KEYS = ("schema_version", "report", "language")

#: the whole report of an organisation with fewer than ``min_group_size`` respondents
_TOO_FEW = {
    "sv": "Enkäten har {n} svar, färre än {k}. För att ingen svarande ska kunna kännas igen visar rapporten "
          "inga resultat: inga poäng, inga frågor och inga diagram. Samla in fler svar och kör rapporten igen.",
    "en": "The survey has {n} responses, fewer than {k}. So that no respondent can be recognised, the report "
          "shows no results: no scores, no questions and no charts. Collect more responses and run it again.",
}
#: a re-run into the folder of an earlier version after fewer than ``min_group_size`` answers changed
_TOO_FEW_NEW = {
    "sv": "Sedan den förra versionen av rapporten i den här mappen har svaren för en grupp ändrats med bara {d} "
          "(färre än {k}). Skillnaden mellan versionerna skulle då visa just de svarandes resultat, så den här "
          "versionen visar inga resultat. Kör rapporten igen när minst {k} svar har tillkommit, eller skriv den "
          "till en ny mapp om den förra versionen aldrig har delats.",
    "en": "Since the earlier version of this report in this folder, a group's answers changed by only {d} "
          "(fewer than {k}). The difference between the versions would show those respondents' results, so this "
          "version shows none. Run the report again when at least {k} answers have been added, or write it to a "
          "new folder if the earlier version was never shared.",
}


class RoundReport(Report):
    """A survey round: total maturity, profile, groups, items, change, benchmark, measurement quality."""

    kind = "round"
    notebook = "round_report.ipynb"
    parameters = (
        Parameter("responses", "str", "data_samples/solvik_2025.csv", "survey export (CSV/XLSX/SAV)"),
        Parameter("instrument", "str", "dual_maturity", "instrument id or path to its YAML"),
        Parameter("municipality", "str", "Solvik kommun", "organisation name shown in the report"),
        Parameter("round_label", "str", "2025", "label of this round"),
        Parameter("previous_responses", "str", "", "optional: previous round's export, for change"),
        Parameter("benchmark", "str", "", "optional: benchmark file of other organisations' scores"),
        Parameter("municipality_group", "str", "", "optional: SKR municipality group, e.g. B3, to compare within it"),
        Parameter("population_size", "int", 0, "optional: number invited, for the response rate; 0 = unknown"),
        Parameter("min_group_size", "int", 5, "smallest group shown (privacy)"),
        Parameter("language", "str", "sv", 'report language: "sv" or "en"'),
        Parameter("output_dir", "str", "reports/round", "folder for HTML, results.json and the executed notebook"),
    )
    section_ids = ("summary", "quadrant", "profile", "groups", "items", "change", "benchmark", "quality")

    @classmethod
    def check(cls, **params):
        return rounds.validate_round_parameters(**params)

    def analyse(self):
        p = self.params
        return rounds.analyse_round(
            p.responses, instrument=p.instrument, municipality=p.municipality, round_label=p.round_label,
            previous_responses=p.previous_responses, benchmark=p.benchmark,
            municipality_group=p.municipality_group, population_size=p.population_size,
            min_group_size=p.min_group_size, language=p.language, output_dir=p.output_dir)

    def inputs(self) -> Mapping[str, str | None]:
        p = self.params
        return {"responses": p.responses, "previous_responses": p.previous_responses, "benchmark": p.benchmark}

    def title(self) -> str:
        return f"{self.params.municipality} {self.params.round_label}".strip()

    def sections_results(self) -> dict:
        return {k: v for k, v in self.analysis.results.items() if k not in _ENVELOPE_KEYS}

    # -- sections ----------------------------------------------------------------------
    def section(self, section_id: str) -> Section | None:
        from evaluation import plots

        res, L = self.analysis, self.language
        inst = res.instrument
        H = rounds.headings(L)
        names = {i: inst.name_of(i, L) for i in res.organisation.index}
        k = res.params.min_group_size
        withheld = res.results.get("withheld")
        if withheld:  # a tiny organisation, or too few new answers since the last version: only the reason
            if section_id != "summary":
                return None
            sec = Section("summary", H["title"].format(m=escape_md(self.params.municipality),
                                                       r=escape_md(self.params.round_label)), level=1)
            text = _TOO_FEW[L] if withheld["reason"] == "too_few" else _TOO_FEW_NEW[L]
            return sec.add(f"## {H['summary']}\n\n" + text.format(
                n=withheld["n"], k=k, d=abs(withheld.get("n_now", 0) - withheld.get("n_before", 0))))
        if section_id == "summary":
            sec = Section("summary", H["title"].format(m=escape_md(self.params.municipality),
                                                       r=escape_md(self.params.round_label)),
                          level=1)
            return sec.add(f"## {H['summary']}\n\n" + rounds.summary_markdown(res))
        if section_id == "quadrant":
            cl = inst.classification or {}
            if cl.get("type") != "quadrant" or res.classification is None:
                return None
            org = res.organisation
            fig = plots.quadrant_plot(org.loc[cl["x"]], org.loc[cl["y"]], instrument=inst,
                                      units=res.unit_classification, language=L)
            return Section("quadrant", H["quadrant"]).add(Figure(fig, alt=H["quadrant"], name="quadrant"))
        if section_id == "profile":
            cats = list(inst.category_items())
            fig = plots.profile_plot(res.organisation.loc[cats], names=names, language=L)
            return Section("profile", H["profile"]).add(Figure(fig, alt=H["profile"], name="profile"))
        if section_id == "groups":
            sec = Section("groups", H["groups"])
            um = rounds.unit_matrix(res)
            if um is not None:
                sec.add(Figure(plots.heatmap_plot(um[0], hidden=um[1], col_names=names, language=L),
                               alt=H["groups"], name="unit_matrix"))
            ids = list(inst.dimension_categories()) + ["overall"]
            for by, table in (("unit", res.units), ("role", res.roles)):
                if table is None:
                    continue
                sec.add(f"### {H[by]}\n\n" + rounds.suppression_note(res, by))
                sec.add(Figure(plots.group_plot(table, ids=ids, names=names, language=L, overall=res.organisation),
                               alt=H[by], name=f"groups_{by}"))
            return sec
        if section_id == "items":
            fig = plots.likert_plot(res.items, instrument=inst, language=L,
                                    item_labels={i: f"{i}: {inst.name_of(i, L)}" for i in inst.item_ids})
            return Section("items", H["items"]).add(Figure(fig, alt=H["items"], name="items"))
        if section_id == "change":
            sec = Section("change", H["change"]).add(rounds.change_markdown(res))
            if res.change is not None:
                sec.add(Figure(plots.change_plot(res.change, names=names, language=L), alt=H["change"],
                               name="change"))
                table = rounds.change_table(res)
                if table is not None:
                    sec.add(Table(table))
            return sec
        if section_id == "benchmark":
            sec = Section("benchmark", H["benchmark"]).add(rounds.benchmark_markdown(res))
            all_orgs = None if res.benchmark is None else res.benchmark[res.benchmark["among"] == "all"]
            if all_orgs is not None and all_orgs["shown"].any():
                sec.add(Figure(plots.benchmark_plot(all_orgs, names=names, language=L), alt=H["benchmark"],
                               name="benchmark"))
            return sec
        if section_id == "quality":
            sec = Section("quality", H["quality"]).add(rounds.quality_markdown(res))
            for title, table in rounds.quality_tables(res):
                sec.add(f"### {title}", Table(table))
            return sec
        raise ValueError(f"The round report has no section {section_id!r}; its sections are "
                         f"{', '.join(self.section_ids)}.")

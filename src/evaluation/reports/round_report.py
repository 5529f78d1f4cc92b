"""The survey-round report on the one report protocol (:mod:`evaluation.reports.base`).

>>> from evaluation.reports import report_class
>>> report_class("round").section_ids[0]
'summary'
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from evaluation.reports.base import Box, Figure, Parameter, Report, Section, Table, escape_md
from evaluation.reports import round as rounds
from evaluation.reports import round_invariance, round_summary, round_tables
from evaluation.text.privacy import withheld_text

__all__ = ["RoundReport"]

_ENVELOPE_KEYS = ("schema_version", "report", "language")

#: the whole report of an organisation with fewer than ``min_group_size`` respondents
_TOO_FEW = {
    "sv": "Enkäten har {n} svar, färre än {k}. För att ingen svarande ska kunna kännas igen visar rapporten "
          "inga resultat: inga poäng, inga frågor och inga diagram. Samla in fler svar och kör rapporten igen.",
    "en": "The survey has {n} responses, fewer than {k}. So that no respondent can be recognised, the report "
          "shows no results: no scores, no questions and no charts. Collect more responses and run it again.",
}


class RoundReport(Report):
    """A survey round: total maturity, profile, groups, items, change, benchmark, measurement quality."""

    kind = "round"
    gate_required = True  # every table below is built from evaluation.privacy.gate.publish
    notebook = "round_report.ipynb"
    parameters = (
        Parameter("responses", "str", "data_samples/solvik_2025.csv", "survey export (CSV/XLSX/SAV)"),
        Parameter("instrument", "str", "dual_maturity", "instrument id or path to its YAML"),
        Parameter("municipality", "str", "Solvik kommun", "organisation name shown in the report"),
        Parameter("round_label", "str", "2025", "label of this round"),
        Parameter("previous_responses", "str", "", "optional: previous round's export, for change"),
        Parameter("benchmark", "str", "", "optional: benchmark file of other organisations' scores"),
        Parameter("municipality_group", "str", "", "optional: SKR municipality group, e.g. B3, to compare within it"),
        Parameter("population_size", "int", 0, "optional: number invited, for the response rate; 0 if unknown"),
        Parameter("min_group_size", "int", 5, "smallest group shown (privacy)"),
        Parameter("language", "str", "sv", 'report language: "sv" or "en"'),
        Parameter("output_dir", "str", "reports/round", "folder for HTML, results.json and the executed notebook"),
        Parameter("mapping", "str", "", "optional: mapping file for this round's export (dmkit validate "
                                        "--write-mapping); empty: FILE.mapping.yaml beside it, if any"),
        Parameter("format", "str", "", "optional: survey tool of this round's export, e.g. netigate; empty: detected"),
        Parameter("shrink", "bool", False, "optional: also show the units' shrunken (BLUP) overall means"),
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
            min_group_size=p.min_group_size, language=p.language, output_dir=p.output_dir,
            mapping=p.mapping, format=p.format, shrink=getattr(p, "shrink", False))

    def inputs(self) -> Mapping[str, str | None]:
        p = self.params
        return {"responses": p.responses, "previous_responses": p.previous_responses, "benchmark": p.benchmark,
                "mapping": p.mapping}

    def title(self) -> str:
        return f"{self.params.municipality} {self.params.round_label}".strip()

    def sections_results(self) -> dict:
        return {k: v for k, v in self.analysis.results.items() if k not in _ENVELOPE_KEYS}

    def record_publication(self, output_dir: Path) -> None:
        from evaluation.privacy import publications

        if self.analysis.published_sets:
            publications.record_publication(self.analysis.instrument.id, self.analysis.published_sets,
                                            report=self.kind, output_dir=output_dir,
                                            min_group_size=self.params.min_group_size)

    # -- sections ----------------------------------------------------------------------
    def section(self, section_id: str) -> Section | None:
        from evaluation import plots
        from evaluation.text import format as fmt
        from evaluation.text.summary import HOW_TO_READ

        res, L = self.analysis, self.language
        inst = res.instrument
        H = rounds.headings(L)
        W = _WORDS[L]
        secs = self.sections_results()
        names = {i: inst.name_of(i, L) for i in res.organisation.index}
        k = res.params.min_group_size
        bench = round_summary.bench_rows(secs)
        withheld = res.results.get("withheld")
        if withheld:  # a tiny organisation, or too few new answers since the last version: only the reason
            if section_id != "summary":
                return None
            sec = Section("summary", H["title"].format(m=escape_md(self.params.municipality),
                                                       r=escape_md(self.params.round_label)), level=1)
            text = _TOO_FEW[L].format(n=withheld["n"], k=k) if withheld["reason"] == "too_few" else \
                withheld_text(withheld, k=k, language=L)
            return sec.add(f"## {H['summary']}\n\n" + text)
        if section_id == "summary":
            sec = Section("summary", H["title"].format(m=escape_md(self.params.municipality),
                                                       r=escape_md(self.params.round_label)),
                          level=1)
            r = secs["respondents"]
            intro = W["intro"].format(n=fmt.integer(r["accepted"], L), inst=escape_md(secs["instrument"]["title"]),
                                      ver=secs["instrument"]["version"])
            if r.get("response_rate"):
                intro += W["rate"].format(rate=fmt.percent(r["response_rate"], L), pop=fmt.integer(r["population_size"], L))
            return sec.add(f"## {H['summary']}", intro, round_summary.summary_markdown(secs, language=L),
                           Box(*HOW_TO_READ[L]))
        if section_id == "quadrant":
            cl = inst.classification or {}
            if cl.get("type") != "quadrant" or res.classification is None:
                return None
            org = res.organisation
            bx, by = bench.get(cl["x"], {}).get("bench_median"), bench.get(cl["y"], {}).get("bench_median")
            fig = plots.quadrant_plot(org.loc[cl["x"]], org.loc[cl["y"]], instrument=inst,
                                      units=res.unit_classification, language=L,
                                      benchmark={"x": bx, "y": by} if bx is not None or by is not None else None)
            c = secs["classification"]
            alt = W["alt_quadrant"].format(
                x=names[cl["x"]], xm=fmt.points(org.loc[cl["x"], "mean"], L),
                xci=fmt.ci(org.loc[cl["x"], "ci_low"], org.loc[cl["x"], "ci_high"], L, 0),
                y=names[cl["y"]], ym=fmt.points(org.loc[cl["y"], "mean"], L),
                yci=fmt.ci(org.loc[cl["y"], "ci_low"], org.loc[cl["y"], "ci_high"], L, 0), q=c["name"],
                u=0 if res.unit_classification is None else len(res.unit_classification))
            if bx is not None:
                alt += W["alt_median"].format(x=fmt.points(bx, L), y=fmt.points(by, L))
            text_ = dict(round_summary.executive_summary(secs, language=L, markdown=True)).get("place", "")
            return Section("quadrant", H["quadrant"]).add(text_, Figure(fig, alt=alt, name="quadrant"))
        if section_id == "profile":
            cats = list(inst.category_items())
            t = res.organisation.loc[cats].dropna(subset=["mean"]).sort_values("mean", ascending=False)
            fig = plots.profile_plot(res.organisation.loc[cats], names=names, language=L)
            alt = W["alt_profile"].format(k=len(t), hi=names[t.index[0]], him=fmt.points(t["mean"].iloc[0], L),
                                          lo=names[t.index[-1]], lom=fmt.points(t["mean"].iloc[-1], L)) if len(t) else H["profile"]
            return Section("profile", H["profile"]).add(Figure(fig, alt=alt, name="profile"))
        if section_id == "groups":
            sec = Section("groups", H["groups"])
            um = rounds.unit_matrix(res)
            if um is not None:
                n_hidden = int(um[1].to_numpy().sum())
                sec.add(Figure(plots.heatmap_plot(um[0], hidden=um[1], col_names=names, language=L),
                               alt=W["alt_heat"].format(g=um[0].shape[0], k=um[0].shape[1], h=n_hidden),
                               name="unit_matrix"))
            ids = list(inst.dimension_categories()) + ["overall"]
            for by, table in (("unit", res.units), ("role", res.roles)):
                if table is None:
                    continue
                shown = table[(table["id"] == "overall") & ~table["suppressed"]]
                sec.add(f"### {H[by]}\n\n" + escape_md(rounds.suppression_note(res, by)))
                alt = W["alt_groups"].format(what=H[by].lower(), g=len(shown), ids=", ".join(names[i] for i in ids))
                if len(shown):
                    lo, hi = shown.loc[shown["mean"].idxmin()], shown.loc[shown["mean"].idxmax()]
                    alt += W["alt_range"].format(lo=escape_md(lo["group"]), lom=fmt.points(lo["mean"], L),
                                                 hi=escape_md(hi["group"]), him=fmt.points(hi["mean"], L))
                blup = None
                if by == "unit" and res.shrunken is not None and len(res.shrunken):
                    from evaluation.text import t

                    blup = {"overall": res.shrunken["blup_mean"]}  # published units only (shrunken_unit_means)
                    alt += t("round.shrink.alt", L, what=names["overall"])
                sec.add(Figure(plots.group_plot(
                    table, ids=ids, names=names, language=L, overall=res.organisation, shrunken=blup,
                    labels=None if blup is None else {"mean": t("round.shrink.legend_mean", L),
                                                      "shrunken": t("round.shrink.legend", L)}),
                    alt=alt, name=f"groups_{by}"))
                if by == "unit" and res.shrunken is not None:
                    sec.add(*round_tables.shrunken_blocks(res.shrunken, min_group_size=k, language=L))
            return sec
        if section_id == "items":
            rev = {it.id: it.reverse for it in inst.items}
            labels = {i: inst.name_of(i, L) + (round_tables.REVERSE_MARK[L] if rev.get(i) else "")
                      for i in inst.item_ids}
            fig = plots.likert_plot(res.items, instrument=inst, language=L, item_labels=labels)
            n_rev = sum(rev.values())
            return Section("items", H["items"]).add(
                W["items_note"].format(r=n_rev) if n_rev else "",
                Figure(fig, alt=W["alt_items"].format(k=len(res.items), dk=fmt.percent(
                    secs["quality"]["dont_know_rate"], L, 1)), name="items"))
        if section_id == "change":
            sec = Section("change", H["change"]).add(rounds.change_markdown(res))
            if res.change is not None:
                ov = round_summary.change_rows(secs).get("overall")
                alt = W["alt_change"].format(k=int(res.change["diff"].notna().sum()))
                if ov:
                    alt += " " + round_summary.change_sentence(ov["diff"], ov["ci_low"], ov["ci_high"], language=L) + "."
                sec.add(Figure(plots.change_plot(res.change, names=names, language=L), alt=alt, name="change"))
                marked = round_invariance.marked_areas(res.invariance)
                marked_names = {i: f"{n} {round_invariance.MARK}" if i in marked else n for i, n in names.items()}
                ch = res.change.dropna(subset=["diff"])
                ch, gate = round_tables.gate_values(
                    ch, columns=["mean_prev", "mean_cur", "diff", "ci_low", "ci_high", "pvalue", "hedges_g"],
                    n=ch[["n_prev", "n_cur"]].min(axis=1), min_group_size=k)  # both rounds need k behind a row
                table = round_tables.change_frame(ch, names=marked_names, language=L)
                sec.add(Table(table, caption=W["change_table"], name="change", published=gate))
                sec.add(*round_invariance.invariance_blocks(res.invariance, inst, language=L))
            return sec
        if section_id == "benchmark":
            sec = Section("benchmark", H["benchmark"]).add(rounds.benchmark_markdown(res))
            all_orgs = None if res.benchmark is None else res.benchmark[res.benchmark["among"] == "all"]
            if all_orgs is not None and all_orgs["shown"].any():
                shown = all_orgs[all_orgs["shown"]]
                alt = W["alt_bench"].format(k=len(shown), n=fmt.integer(shown["n_organisations"].max(), L))
                if "overall" in bench:
                    b = bench["overall"]
                    alt += " " + W["alt_bench_o"].format(s=fmt.points(b["score"], L), p=fmt.number(b["percentile"], L, 0),
                                                         m=fmt.points(b["bench_median"], L))
                sec.add(Figure(plots.benchmark_plot(all_orgs, names=names, language=L), alt=alt, name="benchmark"))
                # own score and percentile: the organisation's respondents behind the area; the benchmark's
                # median and quartiles: the other organisations (each a published total of its own round)
                counts = pd.DataFrame({"score": res.organisation["n"].reindex(all_orgs["id"]).to_numpy()},
                                      index=all_orgs.index)
                counts["percentile"] = counts["score"]
                for c in ("bench_median", "bench_p25", "bench_p75"):
                    counts[c] = all_orgs["n_organisations"]
                own, gate = round_tables.gate_values(all_orgs, columns=list(counts.columns), n=counts,
                                                     min_group_size=k)
                sec.add(Table(round_tables.benchmark_frame(own, names=names, language=L), caption=W["bench_table"],
                              name="benchmark", published=gate))
            return sec
        if section_id == "quality":
            sec = Section("quality", H["appendix"]).add(W["method"], rounds.quality_markdown(res))
            rev = {it.id: it.reverse for it in inst.items}
            texts = {i: inst.name_of(i, L) for i in inst.item_ids}
            cat_of = {it.id: names.get(it.category, it.category) for it in inst.items}
            rel = res.quality.get("reliability")
            if rel is not None and len(rel):
                rel, gate = round_tables.gate_values(rel, columns=["alpha", "ci_low", "ci_high"],
                                                     n=rel["n"] if "n" in rel.columns else float("nan"), min_group_size=k)
                sec.add(f"### {H['rel']}", Table(round_tables.reliability_frame(rel, names=names, language=L),
                                                 name="reliability", published=gate))
            st = res.quality.get("item_statistics")
            items = res.items.copy()
            counts = pd.DataFrame({c: items["n"] for c in items.columns}, index=items.index)
            for c in ("mean", "mean_scored"):  # a mean stands on the scale answers, the shares on everyone
                if c in counts.columns and "answered" in items.columns:
                    counts[c] = items["answered"]
            has_r = st is not None and "r_drop" in st.columns
            if has_r:  # the item-rest correlation stands on the category's complete rows
                items["r_drop"] = st["r_drop"].reindex(items.index)
                counts["r_drop"] = st["n"].reindex(items.index)
            items, gate = round_tables.gate_values(
                items, columns=["mean", "mean_scored", "dont_know", "skipped", "r_drop"], n=counts, min_group_size=k)
            sec.add(f"### {H['itemtab']}", W["items_mean"].format(lo=inst.scale.min, hi=inst.scale.max),
                    Table(round_tables.items_frame(items, texts=texts, areas=cat_of, reverse=rev,
                                                   r_drop=items["r_drop"] if has_r else None, language=L),
                          name="items", published=gate))
            comp = res.quality.get("comprehension")
            if comp is not None and len(comp) and (comp["flag"] != "ok").any():
                comp, gate = round_tables.gate_values(comp, columns=["flag", "reasons"],
                                                      n=len(res.responses.answers), min_group_size=k)
                sec.add(f"### {H['flag']}", Table(round_tables.flagged_frame(comp, texts=texts, reverse=rev, language=L),
                                                  name="flagged", published=gate))
            return sec
        raise ValueError(f"The round report has no section {section_id!r}; its sections are "
                         f"{', '.join(self.section_ids)}.")

    # -- slides ------------------------------------------------------------------------
    @classmethod
    def slide_plan(cls, results: Mapping[str, Any], *, figures: Mapping[str, str],
                   board: Sequence[Mapping[str, Any]] = ()) -> list[dict]:
        """The round's own board slides, from results.json (it saves no ``board.json``)."""
        return round_summary.slide_plan(results, figures=figures)


_WORDS = {
    "sv": {
        "intro": "Rapporten bygger på {n} svar på enkäten *{inst}* (version {ver}).",
        "rate": " Svarsfrekvensen är {rate} av {pop} inbjudna.",
        "alt_quadrant": ("Spridningsdiagram med fyra kvadranter. Organisationen: {x} {xm} (95 % KI {xci}) och {y} {ym} "
                         "(95 % KI {yci}), i kvadranten {q}. {u} enheter visas som numrerade punkter."),
        "alt_median": " Streckade linjer: jämförda kommuners median, {x} och {y}.",
        "alt_profile": "Punktdiagram med 95 % KI för {k} kategorier, högst {hi} {him}, lägst {lo} {lom}.",
        "alt_heat": "Värmekarta över {g} enheter och {k} kategorier; {h} celler dolda för få svar.",
        "alt_groups": "Punktdiagram per {what}: {g} grupper visas för {ids}.",
        "alt_range": " Totalt lägst {lo} {lom}, högst {hi} {him}.",
        "alt_items": "Staplat diagram över svaren på {k} frågor, från instämmer inte till instämmer; vet ej totalt {dk}.",
        "alt_change": "Förändring med 95 % KI för {k} områden.",
        "alt_bench": "Egen poäng mot jämförda kommuners kvartiler för {k} områden ({n} organisationer).",
        "alt_bench_o": "Total mognad {s}, percentil {p}, median {m}.",
        "items_note": "Diagrammet visar svaren som de gavs. {r} frågor är omvänt formulerade (markerade); i poängen "
                      "och i tabellen i bilagan räknas de om så att högre alltid är bättre.",
        "change_table": "Förändring per område (procentenheter)",
        "bench_table": "Jämförelse med andra organisationer",
        "items_mean": "Medelvärde på skalan {lo}–{hi}; omvända frågor är omkodade så att högre alltid är bättre.",
        "method": ("**Metod.** Poängen är medelvärdet av svaren omräknat till procent av bästa möjliga; *vet ej* och "
                   "obesvarade frågor räknas inte. Konfidensintervallen bygger på t-fördelningen. Förändringen mellan "
                   "omgångarna prövas med Welchs t-test (svarande kan inte kopplas mellan omgångarna), effektstorleken "
                   "är Hedges g. Percentilen räknas med mittrangsmetoden."),
    },
    "en": {
        "intro": "This report is based on {n} responses to *{inst}* (version {ver}).",
        "rate": " The response rate is {rate} of {pop} invited.",
        "alt_quadrant": ("Scatter plot with four quadrants. The organisation: {x} {xm} (95% CI {xci}) and {y} {ym} "
                         "(95% CI {yci}), in the quadrant {q}. {u} units are shown as numbered points."),
        "alt_median": " Dashed lines: the compared municipalities' median, {x} and {y}.",
        "alt_profile": "Dot plot with 95% CIs for {k} categories, highest {hi} {him}, lowest {lo} {lom}.",
        "alt_heat": "Heat map of {g} units and {k} categories; {h} cells hidden for too few answers.",
        "alt_groups": "Dot plot per {what}: {g} groups shown for {ids}.",
        "alt_range": " Overall lowest {lo} {lom}, highest {hi} {him}.",
        "alt_items": "Stacked bars of the answers to {k} questions, from disagree to agree; don't know overall {dk}.",
        "alt_change": "Change with 95% CI for {k} areas.",
        "alt_bench": "Own score against the compared municipalities' quartiles for {k} areas ({n} organisations).",
        "alt_bench_o": "Overall maturity {s}, percentile {p}, median {m}.",
        "items_note": "The chart shows the answers as given. {r} questions are worded in reverse (marked); in the "
                      "scores and in the appendix table they are recoded so that higher is always better.",
        "change_table": "Change per area (percentage points)",
        "bench_table": "Comparison with other organisations",
        "items_mean": "Mean on the scale {lo}–{hi}; reverse-keyed questions recoded so that higher is always better.",
        "method": ("**Method.** A score is the mean answer converted to percent of the best possible; *don't know* and "
                   "unanswered questions are not counted. Confidence intervals use the t distribution. The change "
                   "between rounds is tested with Welch's t-test (respondents cannot be linked between rounds), the "
                   "effect size is Hedges' g. Percentiles use the mid-rank definition."),
    },
}

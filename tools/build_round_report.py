"""Generates notebooks/round_report.ipynb (run: python tools/build_round_report.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from nbbuild import build  # noqa: E402

P = {"tags": ["parameters"], "step": "Parametrar"}
cells = [
    ("code", '''responses: str = "data_samples/solvik_2025.csv"  # survey export (CSV/XLSX/SAV)
instrument: str = "dual_maturity"  # instrument id or path to its YAML
municipality: str = "Solvik kommun"  # organisation name shown in the report
round_label: str = "2025"  # label of this round
previous_responses: str = ""  # optional: previous round's export, for change
benchmark: str = ""  # optional: benchmark file of other organisations' scores
municipality_group: str = ""  # optional: SKR municipality group, e.g. B3, to compare within the group too
population_size: int = 0  # optional: number invited, for the response rate; 0 means unknown
min_group_size: int = 5  # smallest group shown (privacy)
language: str = "sv"  # report language: "sv" or "en"
output_dir: str = "reports/round"  # folder for HTML, results.json and the executed notebook''', P),
    ("code", '''from evaluation.reports.round import validate_round_parameters
params = validate_round_parameters(
    responses=responses, instrument=instrument, municipality=municipality, round_label=round_label,
    previous_responses=previous_responses, benchmark=benchmark, municipality_group=municipality_group,
    population_size=population_size, min_group_size=min_group_size, language=language, output_dir=output_dir)''',
     {"step": "Kontroll av parametrar", "tags": ["remove"]}),
    ("code", '''import warnings
warnings.filterwarnings("ignore")
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
from evaluation import plots
from evaluation.reports import round as rounds
from evaluation.reports.protocol import write_results
res = rounds.analyse_round(
    params.responses, instrument=params.instrument, municipality=params.municipality,
    round_label=params.round_label, previous_responses=params.previous_responses, benchmark=params.benchmark,
    municipality_group=params.municipality_group, population_size=params.population_size, min_group_size=params.min_group_size,
    language=params.language, output_dir=params.output_dir)
inst, L = res.instrument, params.language
names = {i: inst.name_of(i, L) for i in res.organisation.index}
H = rounds.headings(L)''', {"step": "Inläsning och analys", "tags": ["remove"]}),
    ("code", '''display(Markdown(f"# {H['title'].format(m=params.municipality, r=params.round_label)}"))
display(Markdown(f"## {H['summary']}\\n\\n" + rounds.summary_markdown(res)))''', {"step": "Sammanfattning"}),
    ("code", '''if inst.classification and inst.classification.get("type") == "quadrant" and res.classification is not None:
    display(Markdown(f"## {H['quadrant']}"))
    org = res.organisation
    fig = plots.quadrant_plot(org.loc[inst.classification["x"]], org.loc[inst.classification["y"]],
                              instrument=inst, units=res.unit_classification, language=L)
    plt.show()''', {"step": "Kvadrantfigur"}),
    ("code", '''display(Markdown(f"## {H['profile']}"))
cats = list(inst.category_items())
fig = plots.profile_plot(res.organisation.loc[cats], names=names, language=L)
plt.show()''', {"step": "Kategoriprofil"}),
    ("code", '''display(Markdown(f"## {H['groups']}"))
um = rounds.unit_matrix(res)
if um is not None:
    fig = plots.heatmap_plot(um[0], hidden=um[1], col_names=names, language=L)
    plt.show()
for by, table in (("unit", res.units), ("role", res.roles)):
    if table is None:
        continue
    display(Markdown(f"### {H[by]}\\n\\n" + rounds.suppression_note(res, by)))
    ids = list(inst.dimension_categories()) + ["overall"]
    fig = plots.group_plot(table, ids=ids, names=names, language=L, overall=res.organisation)
    plt.show()''', {"step": "Grupper"}),
    ("code", '''display(Markdown(f"## {H['items']}"))
fig = plots.likert_plot(res.items, instrument=inst, language=L,
                        item_labels={i: f"{i}: {inst.name_of(i, L)}" for i in inst.item_ids})
plt.show()''', {"step": "Svarsfördelning"}),
    ("code", '''display(Markdown(f"## {H['change']}\\n\\n" + rounds.change_markdown(res)))
if res.change is not None:
    fig = plots.change_plot(res.change, names=names, language=L)
    plt.show()
    display(rounds.change_table(res))''', {"step": "Förändring"}),
    ("code", '''display(Markdown(f"## {H['benchmark']}\\n\\n" + rounds.benchmark_markdown(res)))
all_orgs = None if res.benchmark is None else res.benchmark[res.benchmark["among"] == "all"]
if all_orgs is not None and all_orgs["shown"].any():
    fig = plots.benchmark_plot(all_orgs, names=names, language=L)
    plt.show()''', {"step": "Jämförelse"}),
    ("code", '''display(Markdown(f"## {H['quality']}\\n\\n" + rounds.quality_markdown(res)))
for title, table in rounds.quality_tables(res):
    display(Markdown(f"### {title}"))
    display(table)''', {"step": "Mätkvalitet"}),
    ("code", '''path = write_results(res.results, params.output_dir)''', {"step": "Spara resultat", "tags": ["remove"]}),
]
build(str(Path(__file__).resolve().parents[1] / "notebooks" / "round_report.ipynb"), cells)

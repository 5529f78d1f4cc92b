"""Generates notebooks/psychometrics.ipynb (run: python tools/build_psychometrics.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from nbbuild import build  # noqa: E402

P = {"tags": ["parameters"], "step": "Parametrar"}
cells = [
    ("code", '''responses: str = "data_samples/solvik_2025.csv"  # survey export (CSV/XLSX/SAV)
instrument: str = "dual_maturity"  # instrument id or path to its YAML
group_column: str = ""  # optional: metadata column for measurement invariance, e.g. "role" or "unit"
language: str = "sv"  # report language: "sv" or "en"
min_group_size: int = 5  # smallest group included in the invariance analysis (privacy)
n_boot: int = 1000  # bootstrap resamples for the omega intervals
output_dir: str = "reports/psychometrics"  # folder for HTML, results.json and the executed notebook
mapping: str = ""  # optional: mapping file for the export (dmkit validate --write-mapping); empty: FILE.mapping.yaml beside it
format: str = ""  # optional: survey tool that wrote the file (netigate, surveymonkey, ...); empty: detected''', P),
    ("code", '''from evaluation.reports.psychometrics import validate_psychometrics_parameters
params = validate_psychometrics_parameters(
    responses=responses, instrument=instrument, group_column=group_column, language=language,
    output_dir=output_dir, min_group_size=min_group_size, n_boot=n_boot, mapping=mapping, format=format)''',
     {"step": "Kontroll av parametrar", "tags": ["remove"]}),
    ("code", '''import warnings
warnings.filterwarnings("ignore")
import matplotlib.pyplot as plt
import pandas as pd
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.max_rows", 200)
from IPython.display import Markdown, display
from evaluation.reports import psychometrics as ps
from evaluation.reports.protocol import read_export, write_results
from evaluation.reports.base import Figure, display_figure
from evaluation.reports.psychometrics import display_table
FIGURES = f"{params.output_dir}/figures"
rs = read_export(params.responses, params.instrument, params)
rev = ps.review_instrument(rs, group=params.group_column, language=params.language,
                           min_group_size=params.min_group_size, n_boot=params.n_boot)
H = ps.headings(params.language)''', {"step": "Inläsning och analys", "tags": ["remove"]}),
    ("code", '''display(Markdown(f"# {H['title'].format(inst=rev.results['instrument']['title'])}"))
display(Markdown(f"## {H['summary']}\\n\\n" + ps.summary_markdown(rev)))''', {"step": "Sammanfattning"}),
    ("code", '''display(Markdown(f"## {H['reliability']}\\n\\n" + ps.reliability_markdown(rev)))
display_figure(Figure(ps.reliability_plot(rev.reliability, language=params.language), alt=ps.reliability_alt(rev),
                      name="reliability"), figures_dir=FIGURES)
display_table(ps.reliability_display(rev))''', {"step": "Reliabilitet"}),
    ("code", '''display(Markdown(f"## {H['items']}\\n\\n" + ps.items_markdown(rev)))
display_table(ps.item_display(rev))''', {"step": "Frågetabell"}),
    ("code", '''display(Markdown(f"## {H['parallel']}\\n\\n" + ps.parallel_markdown(rev)))
display_figure(Figure(ps.scree_plot(rev.parallel, rev.parallel_fa, language=params.language), alt=ps.scree_alt(rev),
                      name="scree"), figures_dir=FIGURES)''', {"step": "Parallellanalys"}),
    ("code", '''display(Markdown(f"## {H['cfa']}\\n\\n" + ps.cfa_markdown(rev)))
display_table(ps.fit_display(rev))
level = "category" if "category" in rev.cfa else "dimension"
display(Markdown(f"### {H['correlations']}"))
display_table(ps.factor_correlation_display(rev, level))
display(Markdown(f"### {H['loadings']}"))
display_table(ps.loadings_display(rev, level))''',
     {"step": "Konfirmatorisk faktoranalys"}),
    ("code", '''display(Markdown(f"## {H['invariance']}\\n\\n" + ps.invariance_markdown(rev)))
if rev.invariance:
    display_table(ps.invariance_display(rev, "fit"))
    display_table(ps.invariance_display(rev, "change"))''', {"step": "Mätinvarians"}),
    ("code", '''display(Markdown(f"## {H['comprehension']}\\n\\n" + ps.comprehension_markdown(rev)))
flagged = ps.flagged_markdown(rev)
if flagged:
    display(Markdown(flagged))''', {"step": "Förståelse"}),
    ("code", '''path = write_results(rev.results, params.output_dir)''', {"step": "Spara resultat", "tags": ["remove"]}),
]
build(str(Path(__file__).resolve().parents[1] / "notebooks" / "psychometrics.ipynb"), cells)

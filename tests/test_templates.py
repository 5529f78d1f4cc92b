"""New-municipality scaffolding: files, Excel drop-downs, codebook, and a filled-in template's round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from evaluation.run.batch import load_folder
from evaluation.cli import main as dmkit
from evaluation.data.instruments import load_instrument, text
from evaluation.data.responses import read_responses
from evaluation.reports.round import validate_round_parameters
from evaluation.simulate import simulate_round
from evaluation.admin.templates import META_COLUMNS, answer_options, new_municipality, slugify

UNITS = ["Socialförvaltningen", "Utbildningsförvaltningen", "Kommunledningskontoret"]
ROLES = ["Chef", "Strateg", "Systemförvaltare"]


def fill_template(folder: Path, data: pd.DataFrame, *, as_labels_every: int = 2) -> Path:
    """Fill the scaffold's Excel template as a strategist would: labels from the drop-down, some typed codes."""
    wb = load_workbook(folder / "mall" / "insamling.xlsx")
    ws = wb["Svar"]
    header = [c.value for c in ws[1]]
    inst = load_instrument(yaml.safe_load((folder / "params.yaml").read_text(encoding="utf-8"))["instrument"])
    opts = {int(o.split(" - ")[0]): o for o in answer_options(inst)}
    for i, rec in enumerate(data.to_dict(orient="records"), start=2):
        for j, h in enumerate(header, start=1):
            v = rec.get(h)
            if v is None or pd.isna(v):
                continue
            if h in META_COLUMNS:
                ws.cell(row=i, column=j, value=str(v))
            else:
                ws.cell(row=i, column=j, value=opts[int(v)] if (i + j) % as_labels_every else int(v))
    out = folder / "data" / "svar.xlsx"
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    d = tmp_path_factory.mktemp("nm") / "solvik"
    return new_municipality("Solvik kommun", instrument="dual_maturity", directory=d, units=UNITS, roles=ROLES,
                            round_label="2025", municipality_group="B4", population=42000)


def test_files_and_params(scaffold):
    f = scaffold.folder
    for rel in ("params.yaml", "README.md", "introduktion.md", "mall/insamling.xlsx", "mall/insamling.csv",
                "mall/kodbok.csv", "initiativregister.xlsx", "initiativregister.csv"):
        assert (f / rel).is_file(), rel
    assert (f / "data").is_dir()
    params = yaml.safe_load((f / "params.yaml").read_text(encoding="utf-8"))
    notebook_params = {"responses", "instrument", "municipality", "round_label", "previous_responses", "benchmark",
                       "population_size", "min_group_size", "language", "output_dir"}
    assert notebook_params <= set(params)
    assert params["municipality"] == "Solvik kommun" and params["round_label"] == "2025"
    assert params["municipality_group"] == "B4" and params["population"] == 42000
    mf = load_folder(f)
    assert mf.params["responses"] == str((f / "data" / "svar.xlsx").resolve())  # relative to the folder
    assert mf.size == "15-50k"


def test_excel_dropdowns_on_every_item_column(scaffold):
    inst = load_instrument("dual_maturity")
    wb = load_workbook(scaffold.folder / "mall" / "insamling.xlsx")
    assert wb.sheetnames[0] == "Svar"  # read_responses reads the first sheet
    ws = wb["Svar"]
    header = [c.value for c in ws[1]]
    assert header == list(META_COLUMNS) + inst.item_ids
    assert ws.max_row == 1  # no phantom respondent rows
    lists = wb["Listor"]
    covered: dict[str, str] = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for rng in str(dv.sqref).split():
            col = "".join(ch for ch in rng.split(":")[0] if ch.isalpha())
            covered[col] = dv.formula1
    from openpyxl.utils import get_column_letter

    # every item column has the list of answer options; unit and role have the municipality's lists
    opts = answer_options(inst)
    for j, h in enumerate(header, start=1):
        col = get_column_letter(j)
        if h == "respondent_id":
            assert col not in covered
            continue
        assert col in covered, h
        ref = covered[col].lstrip("=").split("!")[1].replace("$", "")
        cells = [c.value for row in lists[ref] for c in row]
        expected = UNITS if h == "unit" else ROLES if h == "role" else opts
        assert cells == expected, h
    assert opts[-1] == "0 - Vet ej" and opts[0] == "6 - Stämmer helt"
    # question texts as comments on the item headers
    c = ws.cell(row=1, column=len(META_COLUMNS) + 1)
    assert text(inst.items[0].text, "sv") in c.comment.text


def test_codebook_and_glossary_sheets(scaffold):
    inst = load_instrument("dual_maturity")
    wb = load_workbook(scaffold.folder / "mall" / "insamling.xlsx")
    cb = pd.DataFrame(list(wb["Kodbok"].values)[1:], columns=list(wb["Kodbok"].values)[0])
    assert cb.iloc[:, 0].tolist() == inst.item_ids
    assert cb["Frågetext (sv)"].tolist() == [text(i.text, "sv") for i in inst.items]
    assert cb["Question text (en)"].tolist() == [text(i.text, "en") for i in inst.items]
    gl = list(wb["Ordlista"].values)
    assert len(gl) - 1 == len(inst.glossary) and gl[1][0] == text(inst.glossary[0]["term"], "sv")
    csv_cb = pd.read_csv(scaffold.folder / "mall" / "kodbok.csv")
    assert csv_cb["item"].tolist() == inst.item_ids
    assert (scaffold.folder / "mall" / "insamling.csv").read_text(encoding="utf-8").strip().split(",") == \
        list(META_COLUMNS) + inst.item_ids


def test_filled_template_round_trip(scaffold):
    """A filled-in template imports with no warnings, equals the data put in, and passes the report's checks."""
    sim = simulate_round("dual_maturity", n=45, seed=8, units=UNITS, roles={r: (1.0, 0.0) for r in ROLES})
    path = fill_template(scaffold.folder, sim.data)
    rs = read_responses(path, "dual_maturity")
    assert len(rs.issues) == 0, rs.issues
    expected = read_responses(sim.data, "dual_maturity")
    assert rs.n_accepted == expected.n_accepted == 45
    pd.testing.assert_frame_equal(rs.answers.reset_index(drop=True), expected.answers.reset_index(drop=True))
    assert rs.dont_know.to_numpy().tolist() == expected.dont_know.to_numpy().tolist()
    assert rs.meta["unit"].tolist() == sim.data["unit"].tolist()
    p = validate_round_parameters(**load_folder(scaffold.folder).params)
    assert p.instrument == "dual_maturity"
    # the unfilled CSV template, once rows are added, is read the same way
    csv = scaffold.folder / "data" / "svar.csv"
    sim.data[list(META_COLUMNS) + load_instrument("dual_maturity").item_ids].to_csv(csv, index=False)
    assert len(read_responses(csv, "dual_maturity").issues) == 0


def test_readme_and_intro_in_swedish(scaffold):
    readme = (scaffold.folder / "README.md").read_text(encoding="utf-8")
    for needle in ("dmkit round", "dmkit batch", "dmkit validate", "Integritet", "konfidensintervall",
                   "Solvik kommun", "dmkit initiatives"):
        assert needle in readme, needle
    assert "${" not in readme
    intro = (scaffold.folder / "introduktion.md").read_text(encoding="utf-8")
    inst = load_instrument("dual_maturity")
    assert "Anonymt" in intro and text(inst.glossary[0]["term"], "sv") in intro and "Vet ej" in intro


def test_refuses_to_overwrite_and_cli(tmp_path, capsys):
    d = tmp_path / "norrby"
    assert dmkit(["new-municipality", "Norrby kommun", "--instrument", "public_dma", "--dir", str(d),
                  "--units", "A, B", "--roles", "Chef"]) == 0
    assert (d / "mall" / "insamling.xlsx").is_file()
    code = dmkit(["new-municipality", "Norrby kommun", "--instrument", "public_dma", "--dir", str(d)])
    err = capsys.readouterr().err
    assert code == 1 and "already holds" in err
    with pytest.raises(ValueError, match="SKR"):
        new_municipality("X", instrument="dual_maturity", directory=tmp_path / "x", municipality_group="Z9")


def test_slugify():
    assert slugify("Upplands Väsby kommun") == "upplands_vasby_kommun"
    with pytest.raises(ValueError, match="folder name"):
        slugify("!!!")

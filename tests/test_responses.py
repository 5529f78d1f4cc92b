"""Survey import: formats, header/label mapping, every problem named, rows reconcile."""


import numpy as np
import pandas as pd
import pytest

from evaluation.data.instruments import load_instrument
from evaluation.data.responses import ResponseError, read_responses

INST = load_instrument("dual_maturity")
ITEMS = INST.item_ids


def _frame(n=6, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.integers(1, 7, size=(n, len(ITEMS))), columns=ITEMS)
    df.insert(0, "respondent_id", [f"r{i}" for i in range(n)])
    df.insert(1, "unit", ["A", "B"] * (n // 2))
    return df


def _reconciles(rs):
    assert rs.n_rows_in == rs.n_accepted + len(rs.rejected)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_delimiters_and_encodings(tmp_path, sep, encoding):
    df = _frame()
    df["unit"] = ["Förvaltning Ä", "Öst"] * 3
    p = tmp_path / "x.csv"
    p.write_bytes(df.to_csv(sep=sep, index=False).encode(encoding))
    rs = read_responses(p, INST)
    assert rs.n_accepted == 6 and len(rs.rejected) == 0
    assert rs.meta["unit"].tolist() == df["unit"].tolist()
    np.testing.assert_array_equal(rs.answers.to_numpy(), df[ITEMS].to_numpy(dtype=float))
    assert list(rs.answers.index) == [2, 3, 4, 5, 6, 7]  # spreadsheet row numbers


def test_decimal_comma_codes_and_timings(tmp_path):
    df = _frame().astype(str)
    df[ITEMS[0]] = ["4,0", "3", "2,0", "1", "5", "6"]
    df[f"{ITEMS[0]}_time"] = ["12,5", "3,25", "", "7", "8,0", "x"]
    p = tmp_path / "x.csv"
    p.write_text(df.to_csv(sep=";", index=False), encoding="utf-8")
    rs = read_responses(p, INST)
    assert rs.answers[ITEMS[0]].tolist() == [4, 3, 2, 1, 5, 6]
    assert rs.timings[ITEMS[0]].iloc[:2].tolist() == [12.5, 3.25]
    w = rs.issues[rs.issues["value"] == "x"]
    assert len(w) == 1 and w["severity"].item() == "warning" and w["row"].item() == 7


def test_xlsx_and_sav(tmp_path):
    import pyreadstat

    df = _frame()
    px = tmp_path / "x.xlsx"
    df.to_excel(px, index=False)
    rx = read_responses(px, INST)
    np.testing.assert_array_equal(rx.answers.to_numpy(), df[ITEMS].to_numpy(dtype=float))
    ps = tmp_path / "x.sav"
    sav = df.copy()
    sav[ITEMS] = sav[ITEMS].astype(float)
    sav.loc[0, ITEMS[1]] = 0.0  # don't know code
    pyreadstat.write_sav(sav, str(ps), variable_value_labels={ITEMS[1]: {0.0: "Vet ej", 6.0: "Stämmer helt"}})
    rsv = read_responses(ps, INST)
    assert rsv.n_accepted == 6
    assert bool(rsv.dont_know.loc[2, ITEMS[1]])
    assert rsv.answers[ITEMS[2]].tolist() == df[ITEMS[2]].astype(float).tolist()


def test_question_text_headers_and_labels_any_language():
    df = _frame(n=4)
    it0, it1 = INST.items[0], INST.items[1]
    df = df.rename(columns={it0.id: "  1. " + it0.text["sv"].upper() + "  ", it1.id: it1.text["en"]})
    df[df.columns[2]] = [INST.scale.labels[6]["sv"], INST.scale.labels[1]["en"], "vet ej", "Don't know"]
    df[df.columns[3]] = ["6 - " + INST.scale.labels[6]["sv"], "0", "", "3"]
    rs = read_responses(df, INST)
    assert rs.column_map[df.columns[2].strip()] == it0.id and rs.column_map[df.columns[3]] == it1.id
    assert rs.answers[it0.id].tolist()[:2] == [6.0, 1.0]
    assert rs.dont_know[it0.id].tolist() == [False, False, True, True]
    assert rs.dont_know[it1.id].tolist() == [False, True, False, False]
    assert rs.skipped[it1.id].tolist() == [False, False, True, False]
    assert rs.answers[it1.id].iloc[0] == 6.0
    _reconciles(rs)


def test_unknown_and_missing_columns_reported():
    df = _frame().drop(columns=[ITEMS[3]])
    df["Favoritfärg"] = "blå"
    rs = read_responses(df, INST)
    iss = rs.issues
    unknown = iss[iss["column"] == "Favoritfärg"]
    assert unknown["severity"].item() == "warning" and "unknown column" in unknown["message"].item()
    missing = iss[iss["column"] == ITEMS[3]]
    assert missing["severity"].item() == "error" and "has no column" in missing["message"].item()
    assert rs.skipped[ITEMS[3]].all()
    _reconciles(rs)


def test_out_of_range_value_rejects_row_with_reason():
    df = _frame().astype(object)
    df.loc[2, ITEMS[5]] = 9
    rs = read_responses(df, INST)
    assert rs.n_accepted == 5
    rej = rs.rejected.iloc[0]
    assert rej["row"] == 4 and ITEMS[5] in rej["reason"] and "'9'" in rej["reason"] and "expected 1-6" in rej["reason"]
    err = rs.issues[rs.issues["severity"] == "error"].iloc[0]
    assert (err["file"], err["row"], err["column"], err["value"]) == ("<DataFrame>", 4, ITEMS[5], "9")
    _reconciles(rs)


def test_blank_cell_policy_keeps_row():
    df = _frame().astype(object)
    df.loc[2, ITEMS[5]] = "kanske"
    rs = read_responses(df, INST, invalid="blank_cell")
    assert rs.n_accepted == 6 and bool(rs.skipped.loc[4, ITEMS[5]])
    assert (rs.issues["severity"] == "warning").sum() == 1


def test_duplicate_respondent_ids():
    df = _frame()
    df.loc[3, "respondent_id"] = "r1"
    rs = read_responses(df, INST)
    assert rs.rejected["row"].tolist() == [5]
    assert "duplicates row 3" in rs.rejected["reason"].item()
    _reconciles(rs)


def test_empty_rows_rejected_not_lost():
    df = _frame().astype(object)
    df.loc[1, ITEMS] = None
    rs = read_responses(df, INST)
    assert rs.rejected["row"].tolist() == [3] and "no item answered" in rs.rejected["reason"].item()
    _reconciles(rs)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("")
    with pytest.raises(ResponseError, match="empty.csv: the file is empty"):
        read_responses(p, INST)


def test_header_only(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text(",".join(["respondent_id"] + ITEMS) + "\n")
    with pytest.raises(ResponseError, match="no respondent rows"):
        read_responses(p, INST)


def test_not_a_table(tmp_path):
    p = tmp_path / "letter.csv"
    p.write_text("Hej!\nDetta är ett brev och ingen tabell\nMvh\n")
    with pytest.raises(ResponseError, match="does not look like a table"):
        read_responses(p, INST)
    b = tmp_path / "img.csv"
    b.write_bytes(b"\x89PNG\x00\x00\x00binary")
    with pytest.raises(ResponseError, match="binary file"):
        read_responses(b, INST)


def test_wrong_instrument_file(tmp_path):
    p = tmp_path / "other.csv"
    p.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ResponseError, match="none of the 3 columns matches an item"):
        read_responses(p, INST)


def test_missing_file():
    with pytest.raises(ResponseError, match="file not found"):
        read_responses("/nonexistent/x.csv", INST)


def test_scored_reverse_keys(dual):
    df = _frame(n=2)
    rev = [it.id for it in dual.items if it.reverse]
    assert rev, "dual_maturity should have reverse-keyed items"
    df.loc[0, rev[0]] = 2
    rs = read_responses(df, dual)
    assert rs.scored().loc[2, rev[0]] == 5.0  # 1 + 6 - 2
    assert rs.answers.loc[2, rev[0]] == 2.0  # raw stays raw


def test_messy_sample_lists_every_planted_problem(samples):
    rs = read_responses(samples / "solvik_2025_messy.csv", INST)
    _reconciles(rs)
    assert rs.n_rows_in == 41 and rs.n_accepted == 35
    reasons = dict(zip(rs.rejected["row"], rs.rejected["reason"]))
    assert set(reasons) == {7, 11, 16, 22, 28, 32}
    assert "'7'" in reasons[7] and "'Kanske'" in reasons[11] and "duplicates row 15" in reasons[16]
    assert "no item answered" in reasons[22] and "'4,5'" in reasons[28] and "empty row" in reasons[32]
    assert "Kommentar" in rs.free_text_columns
    assert rs.dont_know.to_numpy().sum() > 0
    assert set(rs.meta.columns) >= {"respondent_id", "unit", "role"}

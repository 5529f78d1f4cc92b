"""Property: any separator, encoding, quoting style and line ending reads back to the same ResponseSet.

The same table, given as a DataFrame, is the reference: the file must give the
same answers, don't-know and skipped masks, unit, role and free text, row by row.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.data.instruments import load_instrument
from evaluation.data.responses import read_responses

INST = load_instrument("dual_maturity")
ITEMS = INST.item_ids
UNITS = ["Socialförvaltningen", "Kultur- och fritidsförvaltningen", "Miljö; bygg", 'Teknik "Gata"', "IT, digitalisering"]
ROLES = ["Chef", "Strateg", "Utvecklare"]
LABELS = {c: INST.scale.labels[c]["sv"] for c in INST.scale.codes}
COMMENT = st.text(alphabet=list("abåäöÅÄÖ xyz,;|\t\"'\n.!?é"), max_size=30)


@st.composite
def tables(draw):
    n = draw(st.integers(2, 9))
    vals = draw(st.lists(st.lists(st.sampled_from([None, 0, 1, 2, 3, 4, 5, 6]), min_size=len(ITEMS),
                                  max_size=len(ITEMS)), min_size=n, max_size=n))
    for row in vals:   # at least one answered item per respondent (an empty one is rejected, tested elsewhere)
        if all(v is None for v in row):
            row[0] = 3
    labels = draw(st.booleans())
    units = draw(st.lists(st.sampled_from(UNITS), min_size=n, max_size=n))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=n, max_size=n))
    comments = draw(st.lists(COMMENT, min_size=n, max_size=n))
    headers = draw(st.sampled_from(["ids", "text", "numbered"]))
    rows = []
    for i in range(n):
        cells = []
        for v in vals[i]:
            if v is None:
                cells.append("")
            elif v == 0:
                cells.append("Vet ej" if labels else "0")
            else:
                cells.append(LABELS[v] if labels else str(v))
        rows.append([f"R{i}", units[i], roles[i], *cells, comments[i]])
    if headers == "ids":
        names = ITEMS
    elif headers == "text":
        names = [it.text["sv"] for it in INST.items]
    else:
        names = [f"Q{k}. {it.text['sv']}" for k, it in enumerate(INST.items, start=1)]
    return ["respondent_id", "Förvaltning", "Roll", *names, "Kommentar"], rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(), delim=st.sampled_from([",", ";", "\t", "|"]),
       enc=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
       eol=st.sampled_from(["\n", "\r\n"]), final_eol=st.booleans())
def test_any_dialect_reads_back_the_same(tmp_path, table, delim, enc, quoting, eol, final_eol):
    header, rows = table
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, quoting=quoting, lineterminator=eol).writerows([header, *rows])
    data = buf.getvalue()
    if not final_eol:
        data = data[: -len(eol)]
    p = tmp_path / "export.csv"
    p.write_bytes(data.encode(enc))
    got = read_responses(p, INST)
    ref = read_responses(pd.DataFrame(rows, columns=header), INST)
    assert got.n_rows_in == ref.n_rows_in == len(rows) and len(got.rejected) == len(ref.rejected) == 0
    pd.testing.assert_frame_equal(got.answers, ref.answers)
    pd.testing.assert_frame_equal(got.dont_know, ref.dont_know)
    pd.testing.assert_frame_equal(got.skipped, ref.skipped)
    for col in ("respondent_id", "unit", "role", "Kommentar"):
        assert got.meta[col].tolist() == ref.meta[col].tolist()
    assert got.meta["unit"].tolist() == [r[1] for r in rows]
    expected = np.array([[np.nan if c in ("", "0", "Vet ej") else float(c) if c.isdigit() else
                          float(next(k for k, v in LABELS.items() if v == c)) for c in r[3:-1]] for r in rows])
    np.testing.assert_array_equal(np.nan_to_num(got.answers.to_numpy(), nan=-1), np.nan_to_num(expected, nan=-1))

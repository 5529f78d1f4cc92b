"""Helpers the tool adapters share: known metadata columns, one-header-row exports."""

from __future__ import annotations

from ..matching import normalise
from .base import Export, Grid, find_header, table_from_grid

__all__ = ["norm_set", "header_score", "simple_export"]


def norm_set(cells) -> set[str]:
    return {normalise(c).strip(" .:?*") for c in cells if str(c).strip()}


def header_score(grid: Grid, signature: tuple[str, ...], *, row: int | None = None, need: int | None = None) -> float:
    """Share of the signature columns present in the header row (0 when fewer than ``need``)."""
    if not grid.rows:
        return 0.0
    at = find_header(grid.rows) if row is None else row
    if at >= len(grid.rows):
        return 0.0
    have = norm_set(grid.rows[at]) & set(signature)
    need = len(signature) if need is None else need
    return len(have) / len(signature) if len(have) >= need else 0.0


def simple_export(grid: Grid, tool: str, meta: dict[str, str], *, evidence: str = "",
                  header_at: int | None = None, n_header_rows: int = 1,
                  names: list[str] | None = None) -> Export:
    """An export with one header row; ``meta`` maps normalised tool column names to their role."""
    at = find_header(grid.rows) if header_at is None else header_at
    cells, damaged = table_from_grid(grid, at, n_header_rows=n_header_rows, names=names)
    roles = {}
    for col in cells.columns:
        r = meta.get(normalise(col).strip(" .:?*"))
        if r:
            roles[col] = r
    texts = {c: [grid.column_labels[c]] for c in cells.columns if grid.column_labels.get(c)}
    info = dict(grid.info, header_row=at + 1, header_rows=n_header_rows)
    return Export(grid.name, tool, cells, texts=texts, roles=roles, value_labels=dict(grid.value_labels),
                  damaged=damaged, info=info, evidence=evidence)

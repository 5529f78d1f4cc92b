"""Build a notebook from a compact list of cells (keeps committed notebooks thin and output-free).

Usage inside another script:
    from nbbuild import build
    build("notebooks/x.ipynb", [("md", "..."), ("code", "...", {"step": "...", "tags": [...]}), ...])
"""
import nbformat


def build(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for c in cells:
        kind, src = c[0], c[1]
        meta = c[2] if len(c) > 2 else {}
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(src)
        else:
            cell = nbformat.v4.new_code_cell(src)
        cell.metadata.update(meta)
        nb.cells.append(cell)
    nbformat.write(nb, path)

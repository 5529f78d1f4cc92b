"""Write every report notebook from its Report class: python tools/build_notebooks.py

Committed notebooks must equal what this writes (tests/house/test_notebooks.py checks it).
"""
from pathlib import Path

from evaluation.reports.builder import all_notebooks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

if __name__ == "__main__":
    for name, text in all_notebooks().items():
        (NOTEBOOKS / name).write_text(text, encoding="utf-8")
        print(f"wrote notebooks/{name}")

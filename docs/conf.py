"""Sphinx configuration: API reference from the numpy docstrings, cookbook pages. Offline."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent / "src"))

import evaluation  # noqa: E402

project = "dmkit"
author = "dmkit contributors"
copyright = "dmkit contributors; code MIT, instrument texts CC-BY-4.0"
release = evaluation.__version__
version = release
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax copied into _static: formulas render without a network
    "sphinx.ext.viewcode",
    "numpydoc",
    "apigen",
]
exclude_patterns = ["_build"]
templates_path = []
html_theme = "alabaster"
html_static_path = []
html_title = f"dmkit {release}"

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's Parameters section already gives the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# Docstrings are read from the code; the doctest examples are run by pytest, not here.
suppress_warnings = []

import warnings  # noqa: E402

# numpydoc parses module docstrings too and notes their free-form sections ("Model", ...) as
# UserWarnings; they are not Sphinx warnings and say nothing about the rendered pages.
warnings.filterwarnings("ignore", message="Unknown section", category=UserWarning)

"""A parameter a user types (municipality, unit column, labels) cannot become code in the notebook."""

from __future__ import annotations

import ast

import pytest
from papermill.translators import PythonTranslator

HOSTILE = ['x"); import os; os.system("touch /tmp/pwned"); ("', "a\\\"; __import__('os')#", "line\nimport os",
           "'''; import os; '''", "\\u0022); import os #", "Kommun\r\n# injected"]


@pytest.mark.parametrize("value", HOSTILE)
def test_injected_parameter_is_one_string_literal(value):
    """papermill writes ``name = "<escaped>"``: the cell must parse to exactly that one assignment."""
    src = PythonTranslator.codify({"municipality": value})
    tree = ast.parse(src)
    assigns = [n for n in tree.body if isinstance(n, ast.Assign)]
    assert len(tree.body) == 1 and len(assigns) == 1, src
    assert ast.literal_eval(assigns[0].value) == value

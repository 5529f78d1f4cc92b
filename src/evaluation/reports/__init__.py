"""Reports: one protocol (parameters → checked → analysis → sections → HTML + results.json).

``open_report(kind, **parameters)`` is the entry of every notebook, command and
test; see :mod:`evaluation.reports.base`.
"""

from evaluation.reports.base import REPORTS, Report, check_parameters, open_report, report_class

__all__ = ["REPORTS", "Report", "check_parameters", "open_report", "report_class"]

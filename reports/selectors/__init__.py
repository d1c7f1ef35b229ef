"""Reads of the reports: the shared ReportRequest (scope.py) and one module per report."""

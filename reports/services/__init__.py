"""The reports app's writes, one module per subdomain: `builds` (background report PDFs) and
`commission` (closing a commission month). The build services are also importable from here,
where their callers first found them."""

from reports.services.builds import BuildRefusedError, report_build_execute, report_build_start

__all__ = ["BuildRefusedError", "report_build_execute", "report_build_start"]

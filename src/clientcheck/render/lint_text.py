"""`clientcheck lint`'s report: a line per problem (FILE:LINE:COL: message) and a summary, or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clientcheck.i18n import t
from clientcheck.render.plain import out

if TYPE_CHECKING:
    from clientcheck.lint import Report


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema": "clientcheck.lint/1",
        "files": list(report.files),
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": [d.as_dict() for d in report.diagnostics],
    }


def print_report(report: Report, lang: str) -> None:
    for d in report.diagnostics:
        where = f"{d.mark}: " if d.mark else ""
        out(f"{where}{t(lang, 'lint.level.' + d.level)}: {d.message}")
    if report.diagnostics:
        out(t(lang, "lint.summary", errors=report.errors, warnings=report.warnings))
    else:
        out(t(lang, "lint.clean", n=len(report.files)))

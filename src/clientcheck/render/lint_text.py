"""`clientcheck lint`'s report: a line per problem (FILE:LINE:COL: message) and a summary, or JSON."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from clientcheck.i18n import t

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
        sys.stdout.write(f"{d}\n")
    if report.diagnostics:
        sys.stdout.write(t(lang, "lint.summary", errors=report.errors, warnings=report.warnings) + "\n")
    else:
        sys.stdout.write(t(lang, "lint.clean", n=len(report.files)) + "\n")

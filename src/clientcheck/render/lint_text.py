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
        # what the errors kept from loading, and so from the warnings' checks
        "unchecked": {"rules": list(report.unchecked_rules), "questions": list(report.unchecked_questions)},
    }


def print_report(report: Report, lang: str) -> None:
    for d in report.diagnostics:
        where = f"{d.mark}: " if d.mark else ""
        out(f"{where}{t(lang, 'lint.level.' + d.level)}: {d.message}")
    if not report.diagnostics:
        out(t(lang, "lint.clean", n=len(report.files)))
        return
    out(t(lang, "lint.summary", errors=report.errors, warnings=report.warnings))
    names = [
        *(t(lang, "lint.unchecked.rule", id=r) for r in report.unchecked_rules),
        *(t(lang, "lint.unchecked.question", id=q) for q in report.unchecked_questions),
    ]
    if names:
        out(t(lang, "lint.unchecked", n=len(names), names=", ".join(names)))

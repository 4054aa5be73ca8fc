"""--format markdown: text to paste into a report, a wiki page or a ticket.

One client: the verdict, its red flags with the advice, good signs, notes and what to ask
next. Many clients: a table row per client, then a summary. Every text that comes from a file
is escaped (|, \\, <, >, *, _, `, [, ], #, ~, & and @, and the : of a URL and the . of www.) so it
stays text in the table and cannot become markup, an entity, a link or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO

from clientcheck import fmt
from clientcheck.formats import InputView, Output, ResultView, StatsView, TextSink, whole_file
from clientcheck.i18n import t
from clientcheck.model import UNKNOWN, VERDICTS, Catalog, Evidence, Rule, Verdict
from clientcheck.reasons import Reasons, all_reasons
from clientcheck.render.data import headline, reachable, summary
from clientcheck.render.names import split_asks
from clientcheck.terminal import clean

_SPECIAL = re.compile(r"([\\|*_`\[\]<>#~&@])")  # ~ strike-through, & entities, @ e-mail autolinks
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)")  # http://, www.


def md(text: str) -> str:
    """File text made safe inside Markdown (one line, no markup, no link made of a bare URL)."""
    return _AUTOLINK.sub(r"\\\1\2", _SPECIAL.sub(r"\\\1", clean(text)))


def _because(catalog: Catalog, r: Reasons, lang: str) -> str:
    return "<br>".join(f"`{qid}`: {md(answer)}" for qid, answer in r.because(catalog, lang))


def _answers(catalog: Catalog, evidence: Sequence[Evidence], lang: str) -> str:
    return ", ".join(f"`{e.question}`: {md(fmt.answer(catalog, e.question, e.value, lang))}" for e in evidence)


def _red_because(catalog: Catalog, r: Reasons, lang: str) -> str:
    """The firing level's answers, what ruled out the levels above, the levels also true."""
    lines = [_because(catalog, r, lang)] if r.evidence or r.unknown else []
    if r.ruled_out:
        lines.append(f"_{t(lang, 'reasons.ruled_out')}:_ {_answers(catalog, r.ruled_out, lang)}")
    shown = {e.question for e in r.evidence} | {qid for qid, _ in r.unknown}
    for a in r.also:
        sev = catalog.policy.severities.get(a.severity) if a.severity else None
        label = f" ({md(sev.label.get(lang))})" if sev else ""
        new = [e for e in a.evidence if e.question not in shown]  # answers listed above are not repeated
        lines.append(f"_{t(lang, 'reasons.also')}{label}" + (f":_ {_answers(catalog, new, lang)}" if new else "_"))
    return "<br>".join(lines)


def _advice(r: Reasons, lang: str) -> str:
    said = " ".join(s for s in (r.client_reason, *r.also_reasons) if s)
    text = md(r.advice)
    return f"{text}<br>**{t(lang, 'reasons.to_client')}:** {md(said)}" if said else text


def report(verdict: Verdict, catalog: Catalog, lang: str) -> str:
    out: list[str] = []
    why = all_reasons(verdict, catalog, lang)
    client = verdict.answers.client
    title = t(lang, f"verdict.{verdict.verdict}")
    out.append(f"## {md(client)} — {title}" if client else f"## {title}")
    out.append("")
    out.append(md(headline(verdict, lang)))
    out.append("")
    out.append(summary(verdict, lang))
    out.append("")
    if verdict.red_flags:
        out += [f"### {t(lang, 'red_flags')}", ""]
        cols = [t(lang, k) for k in ("col.flag", "col.severity", "col.because", "col.advice")]
        out += ["| " + " | ".join(cols) + " |", "|---|---|---|---|"]
        for f in verdict.red_flags:
            sev = catalog.policy.severities.get(f.severity) if f.severity else None
            label = md(sev.label.get(lang)) if sev else ""
            flag = f"**{md(f.rule.title.get(lang))}** (`{f.rule.id}`)"
            because = _red_because(catalog, why[id(f)], lang)
            out.append(f"| {flag} | {label} | {because} | {_advice(why[id(f)], lang)} |")
        out.append("")
    else:
        out += [t(lang, "none_fired"), ""]
    if verdict.good_signs:
        out += [f"### {t(lang, 'good_signs')}", ""]
        out += [f"| {t(lang, 'col.sign')} | {t(lang, 'col.because')} |", "|---|---|"]
        for f in verdict.good_signs:
            out.append(f"| {md(f.rule.title.get(lang))} | {_because(catalog, why[id(f)], lang)} |")
        out.append("")
    if verdict.notes:
        out += [f"### {t(lang, 'notes')}", ""]
        out += [f"- {md(why[id(f)].advice)}" for f in verdict.notes]
        out.append("")
    if verdict.ask_next and not verdict.settled:  # settled: no answer to come can change it
        asks, seller = split_asks(catalog, verdict.ask_next)
        out += [f"### {t(lang, 'ask_next')}", ""]
        for i, a in enumerate(asks, 1):
            text = md(catalog.questions[a.question].text.get(lang))
            out.append(f"{i}. {text} (`{a.question}`) — {t(lang, 'col.decides').lower()}: {', '.join(a.rules)}")
        if seller:
            command = "clientcheck profile set " + " ".join(f"{q}=..." for q in seller)
            out += ([""] if asks else []) + [t(lang, "ask_next.profile", command=f"`{command}`")]
        out.append("")
    if verdict.ignored:
        out += [t(lang, "ignored", ids=", ".join(verdict.ignored)), ""]
    answered = sum(1 for v in verdict.answers.values.values() if v is not UNKNOWN)
    footer = t(lang, "footer", digest=catalog.digest[:12], answered=answered, unknown=len(catalog.questions) - answered)
    out.append(f"_{footer}_")
    return "\n".join(out) + "\n"


def render(
    verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str], *, rules: Sequence[Rule] | None = None
) -> None:
    """One client, as a Markdown section."""
    stream.write(report(verdict, catalog, lang))


class MarkdownSink(TextSink):
    counts_flags = True

    def __init__(self, lang: str, stream: IO[str]) -> None:
        self.lang = lang
        self.stream = stream
        self.labels = {v: t(lang, f"verdict.{v}") for v in VERDICTS}
        self.name = ""
        self.whole_file = False
        keys = ("batch.col.input", "client", "batch.col.verdict", "batch.col.reach", "batch.col.score", "red_flags")
        cols = [t(lang, k) for k in keys]
        stream.write("| " + " | ".join(cols) + " |\n|---|---|---|---|--:|---|\n")

    def begin(self, source: InputView) -> None:
        self.name = source.name
        self.whole_file = whole_file(source)

    def add(self, r: ResultView, line: int) -> None:
        where = md(self.name if self.whole_file else f"{self.name}:{line}")
        flags = ", ".join(f"`{f.id}`" for f in r.red) or "—"
        client = md(r.client) if r.client else ""
        reach = reachable(r.verdict, r.best, r.worst, self.labels)
        self.stream.write(
            f"| {where} | {client} | {self.labels[r.verdict]} | {reach} | {fmt.short(r.score)} | {flags} |\n"
        )
        self.wrote()

    def finish(self, stats: StatsView) -> None:
        lang = self.lang
        counts = " · ".join(f"{self.labels[v]} {stats.verdicts[v]}" for v in VERDICTS)
        lines = ["", f"**{t(lang, 'batch.summary', count=stats.scored)}** · {counts}"]
        unsettled = stats.unsettled
        if unsettled:
            lines += ["", t(lang, "batch.unsettled", n=unsettled)]
        if stats.bad:
            lines += ["", t(lang, "batch.bad", bad=stats.bad)]
        top = stats.top_flags()
        if top:
            listed = ", ".join(f"`{rule_id}` ({n})" for rule_id, n in top)
            lines += ["", f"**{t(lang, 'batch.top_flags')}:** {listed}"]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()


def sink(out: Output) -> MarkdownSink:
    return MarkdownSink(out.lang, out.stream)

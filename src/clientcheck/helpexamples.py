"""The Examples section of every command's `--help` page (English; helptext_ru translates each
line's explanation). Keyed by the command's path: "" for the top-level page, "rules test" for a
subcommand. tests/test_cli_native.py checks that every command has examples."""

from __future__ import annotations

from typing import NamedTuple


class Example(NamedTuple):
    command: str
    what: str  # English; translated with helptext_ru.RU


EXAMPLES: dict[str, tuple[Example, ...]] = {
    "": (
        Example("clientcheck interview --client 'ACME Ltd'", "Interview a client on a call."),
        Example("clientcheck check answers.yaml", "Check a file of answers and show the verdict."),
        Example("clientcheck questions list", "See which questions an answers file may answer."),
        Example("clientcheck --lang ru check answers.yaml", "The same, in Russian."),
    ),
    "check": (
        Example("clientcheck check answers.yaml", "Check one client's answers and show the verdict."),
        Example("clientcheck check answers.yaml --client 'ACME Ltd'", "Use and save the client's history."),
        Example("clientcheck check clients/ -f csv > verdicts.csv", "Many clients at once, a row each."),
        Example("echo '{\"late_payments\": 3}' | clientcheck check -", "Answers from standard input."),
        Example("clientcheck check answers.yaml --select late-payer,all-talk", "Check only these rules."),
    ),
    "interview": (
        Example("clientcheck interview --client 'ACME Ltd'", "Ask the questions one by one, then show the verdict."),
        Example("clientcheck interview --quick", "Stop by itself as soon as the verdict is settled."),
        Example("clientcheck interview --answers draft.yaml --save acme.yaml", "Ask only what the draft lacks."),
        Example("clientcheck interview --resume", "Continue the interview that was interrupted last."),
    ),
    # issue 10: the seller profile
    "profile": (
        Example("clientcheck profile", "Answer the questions about your own business, once."),
        Example("clientcheck profile --profile studio", "A second business line, with its own answers."),
    ),
    "profile set": (
        Example("clientcheck profile set min_price=150k currency=EUR", "Set answers without being asked."),
        Example("clientcheck profile set payment_term_days='2 weeks'", "Units are understood."),
    ),
    "profile show": (
        Example("clientcheck profile show", "The profile's answers."),
        Example("clientcheck profile show -f yaml", "The profile as its file holds it."),
    ),
    "profile edit": (Example("clientcheck profile edit", "Edit the file in your editor; it is checked afterwards."),),
    "profile list": (Example("clientcheck profile list", "The names of your profiles."),),
    "explain": (
        Example("clientcheck explain answers.yaml", "Why each rule fired, did not fire, or is undecided."),
        Example("clientcheck explain answers.yaml --rule late-payer", "Only one rule."),
    ),
    "history": (
        Example("clientcheck history", "Every saved assessment."),
        Example("clientcheck history 'ACME Ltd'", "One client's assessments and payments."),
        Example("clientcheck history -f json > history.json", "Export everything (for clientcheck import)."),
    ),
    "show": (
        Example("clientcheck show 12", "Show assessment 12 again."),
        Example("clientcheck show 12 -f json", "Its verdict exactly as it was saved."),
    ),
    "diff": (
        Example("clientcheck diff 'ACME Ltd'", "What changed between the client's latest two assessments."),
        Example("clientcheck diff 3 7", "Compare two assessments by number."),
    ),
    "paid": (
        Example("clientcheck paid 'ACME Ltd' --on-time", "An invoice paid on time, today."),
        Example("clientcheck paid 'ACME Ltd' --late --days 12 --date 2026-11-02", "Paid 12 days late."),
    ),
    "rescore": (
        Example("clientcheck rescore", "Which saved verdicts the current rules would change."),
        Example("clientcheck rescore --rules new-rules.yaml", "The same for rules you are editing."),
    ),
    "import": (
        Example("clientcheck import history.json", "Take back an export, e.g. on a new machine."),
        Example("ssh old clientcheck history -f json | clientcheck import -", "Straight from another machine."),
    ),
    "init": (
        Example("clientcheck init my-criteria", "Copy the rules and questions into my-criteria/ to edit."),
        Example("clientcheck init --force", "Overwrite the copies in this folder."),
    ),
    "config": (
        Example("clientcheck config", "Which rules and questions are in effect, and why."),
        Example("clientcheck config -f json", "The same, for scripts."),
    ),
    "lint": (
        Example("clientcheck lint", "Check the rules and questions in effect."),
        Example("clientcheck lint --rules rules.yaml -f json", "Check one file; problems as JSON."),
    ),
    "schema": (
        Example("clientcheck schema rules > schema/rules.schema.json", "The schema editors validate rules with."),
    ),
    "rules": (
        Example("clientcheck rules list", "Every rule in effect."),
        Example("clientcheck rules show late-payer", "One rule in full."),
        Example("clientcheck rules test --min-coverage 90", "Run the rules' examples."),
    ),
    "rules list": (
        Example("clientcheck rules list", "Every rule: id, kind, severity and title."),
        Example("clientcheck rules list -f json", "The same, for scripts."),
    ),
    "rules show": (
        Example("clientcheck rules show late-payer", "What the rule means, when it fires and what to say."),
    ),
    "rules test": (
        Example("clientcheck rules test", "Run every rule's examples."),
        Example("clientcheck rules test --min-coverage 90", "Also fail when fewer than 90% of rules have one."),
    ),
    "questions": (
        Example("clientcheck questions list", "Every question: id, type and text."),
        Example("clientcheck questions show late_payments", "What one question accepts."),
    ),
    "questions list": (
        Example("clientcheck questions list", "Every question, section by section."),
        Example("clientcheck questions list -f json", "The same, for scripts and editors."),
    ),
    "questions show": (
        Example("clientcheck questions show advance", "The question, its choices and the rules that use it."),
        Example("clientcheck questions show advance -f json", "The same, for scripts."),
    ),
    "reply": (
        Example("clientcheck reply answers.yaml", "A letter to the client for these answers, in plain text."),
        Example("clientcheck reply 12 --lang ru -f markdown", "For saved assessment 12, in Russian, as Markdown."),
        Example("clientcheck interview --reply", "The letter right after an interview."),
    ),
    "outcome": (
        Example("clientcheck outcome 'ACME Ltd'", "Answer a few questions about how it went."),
        Example(
            "clientcheck outcome 'ACME Ltd' --taken --paid late --unprofitable", "Record it in one line, for scripts."
        ),
        Example("clientcheck outcome 'ACME Ltd' --not-taken --date 2026-10-01", "A client you did not take."),
    ),
    "report": (
        Example("clientcheck report", "How well each rule predicted trouble, as a table with bars."),
        Example(
            "clientcheck report --html report.html", "The same as a page with a chart (needs clientcheck[charts])."
        ),
        Example("clientcheck report --rules stricter.yaml", "What the past would have looked like under other rules."),
    ),
    "completion": (
        Example('eval "$(clientcheck completion bash)"', "Turn completion on in this bash (add it to ~/.bashrc)."),
        Example("clientcheck completion zsh >> ~/.zshrc", "For zsh (after compinit)."),
        Example("clientcheck completion fish > ~/.config/fish/completions/clientcheck.fish", "For fish."),
    ),
    # issue 14
    "sql": (
        Example(
            "clientcheck sql --table leads --view scored > scored.sql", "A DuckDB view that scores the table leads."
        ),
        Example(
            "clientcheck sql -d postgres -t crm.leads --keep lead_id | psql -f -",
            "The same query for PostgreSQL, with the CRM's id in each row.",
        ),
        Example("clientcheck sql -d spark --table leads", "For spark.sql(): the query as it is, no semicolon."),
    ),
}

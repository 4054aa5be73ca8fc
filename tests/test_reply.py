"""Issue 16: every deciding answer as evidence, placeholders in rule texts, and `clientcheck reply`."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.conditions import must_know
from clientcheck.evaluate import effective, evaluate, read_when_fired
from clientcheck.fmt import agree as plural
from clientcheck.fmt import number as format_number
from clientcheck.loader import load_catalog
from clientcheck.model import Answers, Catalog, Finding, Verdict
from clientcheck.placeholders import fill, parse
from clientcheck.profile import with_currency
from clientcheck.render.data import verdict_to_dict
from clientcheck.render.markdown import report
from clientcheck.reply import as_text, compose
from clientcheck.schema import json_schema
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, TODAY, WriteYaml, invoke
from tests.keys import ENTER
from tests.keys import typed as run

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
BIG_CORP = str(Path(__file__).parent.parent / "examples" / "big-corp-pay-later.yaml")
LANGS = ("en", "ru")
NUMBERS = ("integer", "number")


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog()


def _read(path: Path, catalog: Catalog) -> Answers:
    from clientcheck.answers import read_answers

    return read_answers(str(path), catalog)


def _firing_examples(catalog: Catalog) -> list[tuple[str, Answers]]:
    """(rule id, answers) of every bundled rule example where the rule fires."""
    out = []
    for rule in catalog.rules:
        for i, ex in enumerate(rule.examples):
            if ex.fires is not False:
                out.append((f"{rule.id}#{i}", Answers(ex.answers)))
    return out


def _findings(verdict: Verdict) -> list[Finding]:
    return [*verdict.red_flags, *verdict.good_signs, *verdict.notes]


def _cases(catalog: Catalog) -> list[tuple[str, Answers]]:
    return [(p.name, _read(p, catalog)) for p in EXAMPLES] + _firing_examples(catalog)


# ---------------------------------------------------------------- evidence


def test_evidence_lists_every_question_the_firing_condition_read_in_every_format(bundled: Catalog) -> None:
    cases = _cases(bundled)
    assert len(cases) > 40 and len(EXAMPLES) == 4
    checked = 0
    for name, answers in cases:
        verdict = evaluate(bundled, answers)
        env = effective(bundled, answers)[0]
        data = verdict_to_dict(verdict, bundled, "en")
        shown = {f["id"]: f for key in ("findings", "good_signs", "notes") for f in data[key]}
        markdown = report(verdict, bundled, "en")
        for f in _findings(verdict):
            read = [n for n in f.rule.levels[f.level].when.names if n in env]
            assert [e.question for e in f.evidence] == read, (name, f.rule.id)
            assert [e["question"] for e in shown[f.rule.id]["evidence"]] == read, (name, f.rule.id)
            for (level, evidence), also in zip(f.also, shown[f.rule.id]["also"], strict=True):
                also_read = [n for n in level.when.names if n in env]
                assert [e.question for e in evidence] == also_read
                assert [e["question"] for e in also["evidence"]] == also_read
            if f.rule.kind == "red-flag":
                for qid in read:
                    assert f"`{qid}`:" in markdown, (name, f.rule.id, qid)
            checked += 1
    assert checked > 60


def _scenario(catalog: Catalog, **changes: Any) -> Answers:
    answers = _read(Path(BIG_CORP), catalog)
    return answers._replace(values={**answers.values, **changes})


def test_pay_later_on_a_roadmap_change_shows_the_long_wait_and_the_revenue_share_as_also_true(
    bundled: Catalog,
) -> None:
    answers = _scenario(bundled, roadmap_change=True, revenue_share_pct=60)
    data = verdict_to_dict(evaluate(bundled, answers), bundled, "en")
    pay_later = next(f for f in data["findings"] if f["id"] == "pay-later")
    assert (pay_later["level"], pay_later["severity"]) == (1, "decline")
    assert pay_later["evidence"] == [
        {"question": "pay_after_delivery", "answer": True},
        {"question": "roadmap_change", "answer": True},
    ]
    assert pay_later["also"] == [
        {
            "level": 2,
            "severity": "decline",
            "weight": 10,
            "evidence": [
                {"question": "pay_after_delivery", "answer": True},
                {"question": "revenue_share_pct", "answer": 60},
                {"question": "payment_delay_days", "answer": 90},
            ],
        },
        {"level": 4, "severity": "high", "weight": 3, "evidence": [{"question": "pay_after_delivery", "answer": True}]},
    ]
    assert pay_later["client_reason"] == (
        "You need us to reshape our product around your project, and we can't do that for one client."
    )
    letter = as_text(compose(evaluate(bundled, answers), bundled, "en"), "en")
    assert (
        "You need us to reshape our product around your project, and we can't do that for one client. With payment "
        "90 days after delivery, on a contract that would make up 60% of our revenue, we would be financing the "
        "work ourselves all that time: a cash gap we can't afford."
    ) in letter


def test_a_heavier_level_overruled_by_the_lighter_one_that_fired_adds_no_text(bundled: Catalog) -> None:
    # pay-if-i-like: "a new business may do a trial piece" (low) is written before "no free trial
    # pieces" (high); both are true, the low one fired: its text alone speaks to the client
    given = {"business_stage": "new", "asks": frozenset({"free_sample"}), "contract": True, "advance": "partial"}
    answers = Answers(given, None, "<test>")
    data = verdict_to_dict(evaluate(bundled, answers), bundled, "en")
    pay = next(f for f in data["findings"] if f["id"] == "pay-if-i-like")
    assert (pay["severity"], [a["severity"] for a in pay["also"]]) == ("low", ["high"])
    letter = as_text(compose(evaluate(bundled, answers), bundled, "en"), "en")
    assert "We can do a small trial piece before you decide" in letter
    assert "We don't do free trial pieces" not in letter


def test_feature_gap_shows_that_the_client_will_not_wait(bundled: Catalog) -> None:
    answers = _scenario(bundled, needs_missing_features=True, willing_to_wait=False)
    verdict = evaluate(bundled, answers)
    gap = next(f for f in verdict_to_dict(verdict, bundled, "en")["findings"] if f["id"] == "feature-gap")
    assert gap["evidence"] == [{"question": "needs_missing_features", "answer": True}]
    assert gap["ruled_out"] == [{"question": "willing_to_wait", "answer": False}]
    assert "_earlier level ruled out by:_ `willing_to_wait`: no" in report(verdict, bundled, "en")


def test_all_talk_shows_the_unpaid_meetings(bundled: Catalog) -> None:
    startup = _read(next(p for p in EXAMPLES if p.name.startswith("startup")), bundled)
    verdict = evaluate(bundled, startup)
    talk = next(f for f in verdict_to_dict(verdict, bundled, "ru")["findings"] if f["id"] == "all-talk")
    assert {"question": "unpaid_meetings", "answer": 3} in talk["evidence"]
    assert talk["ruled_out"] == [
        {"question": "business_stage", "answer": "established"},
        {"question": "budget_stated", "answer": True},
    ]


def test_the_table_shows_the_client_facing_reason_next_to_the_advice(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # nothing wrapped
    code, out, _ = invoke(cli, "check", BIG_CORP, "--lang", "en", "--color", "never")
    assert code == 1
    flat = " ".join(out.replace("│", " ").split())
    assert "earlier level ruled out by: roadmap_change: no" in flat
    assert "To the client: With payment 90 days after delivery" in flat


# ---------------------------------------------------------------- placeholders


def test_word_forms_agree_with_the_number() -> None:
    ru = ("день", "дня", "дней")
    assert [plural(n, ru, "ru") for n in (1, 2, 5, 11, 12, 21, 22, 25, 111, 1.5)] == [
        "день", "дня", "дней", "дней", "дней", "день", "дня", "дней", "дней", "дня"
    ]  # fmt: skip
    assert [plural(n, ("day", "days"), "en") for n in (1, 0, 2, 1.5)] == ["day", "days", "days", "days"]
    assert (format_number(4500000, "en"), format_number(4500000, "ru")) == ("4,500,000", "4\u00a0500\u00a0000")
    assert (format_number(1.5, "en"), format_number(1.5, "ru")) == ("1.5", "1,5")


def test_fill_uses_the_answer_its_unit_its_word_forms_or_the_fallback(bundled: Catalog) -> None:
    q = bundled.questions
    text = "{payment_delay_days:day/days}, {budget_amount}, {revenue_share_pct}, {advance}, {{x}} {client|you}"
    values = {"payment_delay_days": 1, "budget_amount": 4500000, "revenue_share_pct": 40, "advance": "none"}
    assert fill(text, values, q, "en", "ACME") == "1 day, 4,500,000, 40%, No advance, {x} ACME"
    # amounts are in the seller's currency (issue 10: the profile's `currency`), when there is one
    in_rubles = with_currency(bundled, {"currency": "RUB"}).questions
    assert fill(text, values, in_rubles, "en", "ACME") == "1 day, 4,500,000 RUB, 40%, No advance, {x} ACME"
    # Russian writes the rouble as its sign, as docs/rules.md shows (4 500 000 ₽), however it is named
    for name in ("RUB", "rub", "руб", "₽"):
        in_rubles = with_currency(bundled, {"currency": name}).questions
        assert fill("{budget_amount}", values, in_rubles, "ru") == "4\u00a0500\u00a0000 ₽"
    assert fill("{budget_amount}", values, with_currency(bundled, {"currency": "EUR"}).questions, "ru") == (
        "4\u00a0500\u00a0000 EUR"
    )
    assert fill("{late_payments:раз/раза/раз|ни разу}", {"late_payments": 3}, q, "ru") == "3 раза"
    assert fill("{late_payments:раз/раза/раз|ни разу} {client|вы}", {}, q, "ru") == "ни разу вы"


def test_what_a_level_knows_includes_what_made_the_levels_above_false(write_yaml: WriteYaml) -> None:
    from clientcheck.conditions import compile_condition

    types = {"a": _vt("bool"), "n": _vt("number"), "m": _vt("number")}
    tree = compile_condition("a and n > 1 or not (m < 2 or a)", types).tree
    assert must_know(tree, True) == {"a"}  # true in the first branch, false in the second: known either way
    assert must_know(tree, False) == set()  # `a` or `n` may decide the first branch, `m` or `a` the second
    assert must_know(compile_condition("a and n > 1 and m < 2", types).tree, True) == {"a", "n", "m"}
    assert must_know(compile_condition("not (n > 1 or m < 2)", types).tree, True) == {"n", "m"}
    rules = write_yaml("k/rules.yaml", SMALL_RULES)
    write_yaml("k/questions/10-pay.yaml", SMALL_QUESTIONS)
    catalog = load_catalog(rules, rules.parent / "questions")
    late = catalog.rule("late-payer")
    assert late is not None
    assert [read_when_fired(late, i) for i in range(3)] == [{"late_payments"}] * 3


def _vt(kind: str) -> Any:
    from clientcheck.conditions import VarType

    return VarType(kind)  # type: ignore[arg-type]


@pytest.mark.slow
def test_placeholders_are_checked_at_load_with_file_line_col(
    write_yaml: WriteYaml, cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    write_yaml(
        "rules.yaml",
        """\
        version: 1
        extends: builtin
        override:
          rude:
            client_reason: {en: "Bad {rudee} and {budget_amount} and {client}", ru: "x {rude} {late_payments:a/b}"}
          pay-later:
            levels: [{}, {client_offer: "ok {payment_delay_days} {{lit}} {unknown"}, {}, {}]
          unprofitable:
            why: "{expected_cost|?} {expected_revenue:a/b/c}"
        """,
    )
    code, out, _ = invoke(cli, "lint", "--rules", "rules.yaml", "--lang", "en")
    assert code == 2
    assert out.splitlines() == [
        "rules.yaml:5:30: error: client_reason.en: unknown placeholder {rudee}; did you mean 'rude'?",
        "rules.yaml:5:42: error: client_reason.en: {budget_amount} may be unknown when this text is shown; add a "
        "fallback, e.g. {budget_amount|...}",
        "rules.yaml:5:62: error: client_reason.en: the client's name may not be given; add a fallback, e.g. "
        "{client|your company}",
        "rules.yaml:5:80: error: client_reason.ru: {rude} is a yes/no question: a sentence cannot use its answer; say "
        "it in a level's text",
        "rules.yaml:5:87: error: client_reason.ru: {late_payments}: ru takes 3 word forms separated by '/', e.g. "
        "день/дня/дней; got 2",
        "rules.yaml:5:87: error: client_reason.ru: {late_payments} may be unknown when this text is shown; add a "
        "fallback, e.g. {late_payments|...}",
        "rules.yaml:7:66: error: client_offer: '{' is not closed: write '{{' for a brace in the text",
        "rules.yaml:9:29: error: why: {expected_revenue}: en takes 2 word forms separated by '/', e.g. day/days; got 3",
        "8 errors, 0 warnings",
    ]
    code, _, err = invoke(cli, "check", BIG_CORP, "--rules", "rules.yaml")
    assert code == 2 and err.splitlines()[0] == (
        "clientcheck: error: rules.yaml:5:30: client_reason.en: unknown placeholder {rudee}; did you mean 'rude'?"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a } b", "a lone '}': write '}}' for a brace in the text"),
        ("{x|}", "{x|}: the fallback after '|' is empty"),
        ("{x:/}", "{x:/}: write the word forms after ':' as one/other, e.g. day/days"),
        ("{1x}", "{1x} is not a placeholder: write {question_id}, {question_id|fallback} or {client|fallback} "
         "('{{' for a brace in the text)"),
    ],
)  # fmt: skip
def test_malformed_placeholders(text: str, message: str) -> None:
    from clientcheck.placeholders import PlaceholderError

    with pytest.raises(PlaceholderError) as caught:
        parse(text)
    assert caught.value.message == message


def test_no_bundled_text_keeps_a_placeholder_or_a_bracket(bundled: Catalog) -> None:
    for name, answers in _cases(bundled):
        for lang in LANGS:
            data = verdict_to_dict(evaluate(bundled, answers), bundled, lang)
            for f in data["findings"] + data["good_signs"] + data["notes"]:
                for key in ("why", "advice", "client_reason", "client_offer"):
                    text = f.get(key) or ""
                    assert not re.search(r"[{}\[\]]", text), (name, lang, f["id"], key, text)


# ---------------------------------------------------------------- the reply


def _deciding_numbers(verdict: Verdict, catalog: Catalog, cited: tuple[str, ...], lang: str) -> list[str]:
    """The numbers a cited red flag's firing (and equally heavy also-true) levels cannot be true without."""
    env = effective(catalog, verdict.answers)[0]
    out: list[str] = []
    for f in verdict.red_flags:
        if f.rule.id not in cited:
            continue
        levels = [f.rule.levels[f.level]] + [lv for lv, _ in f.also if lv.weight >= f.weight]
        for level in levels:
            for name in sorted(must_know(level.when.tree, True)):
                if catalog.questions[name].type in NUMBERS and name in env:
                    out.append(format_number(env[name], lang))
    return out


def _assert_copy_ready(letter: str, catalog: Catalog, where: object) -> None:
    assert not re.search(r"[{}\[\]]", letter), (where, letter)
    for rule in catalog.rules:
        assert not re.search(rf"(?<![\w-]){re.escape(rule.id)}(?![\w-])", letter), (where, rule.id, letter)
    for qid in catalog.questions:
        if "_" in qid:
            assert qid not in letter, (where, qid)
    assert "│" not in letter and "|" not in letter


def test_every_reply_is_copy_ready_and_names_the_deciding_figures(bundled: Catalog) -> None:
    letters = 0
    for name, answers in _cases(bundled):
        verdict = evaluate(bundled, answers)
        for lang in LANGS:
            letter = compose(verdict, bundled, lang)
            text = as_text(letter, lang)
            _assert_copy_ready(text, bundled, (name, lang))
            assert letter.left_out == (), (name, letter.left_out)
            for figure in _deciding_numbers(verdict, bundled, letter.cited, lang):
                assert figure in text, (name, lang, figure, text)
            letters += 1
    assert letters > 90


def test_each_rule_speaks_for_itself_in_a_reply(bundled: Catalog) -> None:
    from clientcheck.reasons import all_reasons

    for rule in bundled.rules:
        if rule.kind == "note":
            continue
        for ex in rule.examples:
            if ex.fires is False:
                continue
            verdict = evaluate(bundled, Answers(ex.answers), [rule])
            for lang in LANGS:
                (finding,) = _findings(verdict)
                said = all_reasons(verdict, bundled, lang)[id(finding)]
                text = as_text(compose(verdict, bundled, lang), lang)
                _assert_copy_ready(text, bundled, (rule.id, lang))
                expected = said.client_reason if rule.kind == "red-flag" else said.client_offer
                assert expected and expected in text, (rule.id, lang, ex.answers)
                for figure in _deciding_numbers(verdict, bundled, (rule.id,), lang):
                    assert figure in text, (rule.id, lang, figure)


def test_the_big_corp_reply_in_russian(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "reply", BIG_CORP, "--lang", "ru")
    assert (code, err) == (0, "")
    assert out == (
        "Здравствуйте!\n\n"
        "Спасибо, что обратились к нам с этим проектом. Мы внимательно его изучили и, к сожалению, на текущих "
        "условиях взяться за него не можем. Лучше честно сказать об этом сразу и объяснить почему, чем подвести "
        "вас потом.\n\n"
        "При оплате через 90 дней после сдачи, да ещё по договору, который составит 40% нашей выручки, нам "
        "пришлось бы всё это время финансировать работу самим. Такой кассовый разрыв мы позволить себе не можем.\n\n"
        "При этом мы готовы работать с авансом и поэтапной оплатой.\n\n"
        "Спасибо за понимание. Если что-то изменится, будем рады вернуться к разговору.\n\n"
        "С уважением,\n"
    )
    code, out, _ = invoke(cli, "reply", BIG_CORP, "--lang", "en")
    assert code == 0 and "With payment 90 days after delivery" in out and "40%" in out


def test_a_caution_reply_gives_conditions_then_next_steps_in_markdown(cli: CliRunner) -> None:
    late = str(Path(BIG_CORP).parent / "late-payer.yaml")
    code, out, _ = invoke(cli, "reply", late, "--lang", "en", "--format", "markdown")
    assert code == 0
    assert out.split("\n\n")[1:4] == [
        "Thank you for the project: we'd be glad to take it on.",
        "**So that the work goes well for both sides, here is what we propose:**\n"
        "- So far 2 invoices have been paid after the agreed term. From now on we'll start each stage once the "
        "previous one is paid.",
        "**Next steps:**\n"
        "- We'll send you a proposal within your budget of 120,000 RUB.\n"
        "- We'll send the contract and the invoice for the advance, and start work once the advance is in.\n"
        "- At each stage we'll send our recommendations with the reasons behind them.\n"
        "- We'll propose how to work together for the longer term, including how prices will be reviewed.",
    ]


def test_reply_reads_standard_input_and_says_what_it_leaves_out(
    cli: CliRunner, small_catalog: tuple[Path, Path]
) -> None:
    rules, questions = small_catalog
    small = ["--rules", str(rules), "--questions", str(questions)]
    given = "advance: none\nasks: [free_sample]\n"
    code, out, err = invoke(cli, "reply", "-", *small, "--lang", "en", input=given)
    assert (code, out) == (2, "")  # not settled: no letter that the missing answers could take back
    assert err == (
        "clientcheck: error: the verdict is not settled: CAUTION on what is known, but it could still become "
        "DECLINE, and a letter now could promise what the missing answers take back; ask first: "
        "worked_before, cost, revenue ('clientcheck check' lists them all), or add --anyway\n"
    )
    code, out, err = invoke(cli, "reply", "-", *small, "--lang", "en", "--anyway", input=given)
    assert code == 0
    assert out.startswith("Hello,\n\nThank you for the project: we'd be glad to take it on.\n\nNext steps:")
    assert err.splitlines() == [
        "clientcheck: left out of the letter (no client_reason or client_offer in the rules): pay-if-i-like",
        "clientcheck: the verdict is not settled (unknown answers could still make it anything from CAUTION to "
        "DECLINE): the letter says only what is known; clientcheck check shows what to ask",
    ]


def test_reply_for_a_saved_assessment(cli: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    late = str(Path(BIG_CORP).parent / "late-payer.yaml")
    code, _, _ = invoke(cli, "check", late, "--client", "Ромашка", "--db", db, "--lang", "ru")
    assert code == 0
    code, out, err = invoke(cli, "reply", "1", "--db", db)
    assert (code, err) == (0, "")
    assert "Уже 2 счёта были оплачены позже согласованного срока." in out  # the language it was saved in
    code, out, _ = invoke(cli, "reply", "#1", "--db", db, "--lang", "en")
    assert "So far 2 invoices have been paid after the agreed term." in out
    code, _, err = invoke(cli, "reply", "7", "--db", db)
    assert (code, err) == (2, f"clientcheck: error: {db}: no assessment #7 (list them with 'clientcheck history')\n")


@pytest.mark.slow
def test_interview_reply_prints_the_letter_after_the_verdict(
    cli: CliRunner, write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    said = '    client_reason: {en: "{late_payments:invoice was/invoices were} paid late.", ru: "Просрочки."}\n'
    rules = write_yaml("i/rules.yaml", SMALL_RULES.replace("    levels:\n", said + "    levels:\n", 1))
    write_yaml("i/questions/10-pay.yaml", SMALL_QUESTIONS)
    small = ["--rules", str(rules), "--questions", str(rules.parent / "questions"), "--lang", "en"]
    # worked before: yes; 3 late payments; a partial advance; nothing asked; cost 10, revenue 20; no notes
    keys = "1" + ENTER + "3" + ENTER + "2" + ENTER + ENTER + "10" + ENTER + "20" + ENTER + ENTER + ENTER
    keys = ENTER + keys + ENTER  # Enter skips the client's name first and the note last (issue 10)
    code, out, _ = run(cli, "interview", *small, "--in-order", "--reply", keys=keys)
    assert code == 1
    table, _, letter = out.partition("\nHello,\n\n")
    assert "DECLINE" in table
    assert letter.startswith("Thank you for thinking of us for this project.")
    assert "3 invoices were paid late." in letter
    code, _, err = run(cli, "interview", *small, "--reply", "--format", "json", keys="")
    assert (code, err) == (
        2,
        "clientcheck: error: --reply prints the letter after the verdict table; with --format json, use: "
        "clientcheck reply on the saved answers\n",
    )


# ---------------------------------------------------------------- schema and explain


def test_the_json_schema_knows_the_client_facing_fields() -> None:
    defs = json_schema("rules")["$defs"]
    for kind in ("rule", "level", "rule_override", "level_override"):
        assert {"client_reason", "client_offer"} <= set(defs[kind]["properties"]), kind


def test_explain_names_the_answers_that_kept_a_rule_from_firing(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "explain", BIG_CORP, "--rule", "cannot-afford", "--format", "json")
    assert code == 0
    data = json.loads(out)["rules"][0]
    assert data["kept_from_firing"] == [  # a project, so its budget is compared with the project minimum
        {"question": "billing", "answer": "project"},
        {"question": "budget_amount", "answer": 4500000},
        {"question": "min_monthly_price", "answer": 1000000},
        {"question": "min_price", "answer": 3000000},
    ]
    code, out, _ = invoke(cli, "explain", BIG_CORP, "--rule", "pay-later", "--lang", "en")
    assert code == 0
    assert out.splitlines()[:2] == [
        "pay-later · red flag · FIRED at decline",
        "  the earlier levels were ruled out by: roadmap_change = no",
    ]


def test_the_letters_in_the_docs_are_what_reply_prints(cli: CliRunner) -> None:
    root = Path(__file__).parent.parent
    docs = (root / "docs" / "rules.md").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for lang in LANGS:
        _, out, _ = invoke(cli, "reply", BIG_CORP, "--lang", lang)
        assert f"```\n{out}```" in docs, lang
    _, out, _ = invoke(cli, "reply", BIG_CORP, "--lang", "ru")
    assert f"$ clientcheck reply examples/big-corp-pay-later.yaml --lang ru\n{out}```" in readme


def test_reply_for_a_named_client_takes_the_payment_record(cli: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    for _ in range(3):
        code, _, _ = invoke(cli, "paid", "Ромашка", "--late", "--db", db)
        assert code == 0
    # history fills in what the answers leave out (here: worked_before and late_payments)
    code, out, err = invoke(cli, "reply", "-", "--client", "Ромашка", "--db", db, "--lang", "en", input="rude: false\n")
    assert code == 0
    assert "So far 3 invoices have been paid after the agreed term, and we can't keep financing" in out
    assert err == "From Ромашка's history: worked with before (3 payments recorded); late payments: 3 since " + (
        f"{(TODAY - timedelta(days=365)).isoformat()} (on time: 0)\n"
    )
    code, _, err = invoke(cli, "reply", "1", "--client", "Ромашка", "--db", db, "--lang", "en")
    assert (code, err) == (
        2,
        "clientcheck: error: --client goes with an answers file; a saved assessment already names its client\n",
    )


def test_a_refusal_without_client_texts_promises_no_reasons(cli: CliRunner, small_catalog: tuple[Path, Path]) -> None:
    rules, questions = small_catalog
    small = ["--rules", str(rules), "--questions", str(questions)]
    given = "worked_before: true\nlate_payments: 3\n"
    code, out, err = invoke(cli, "reply", "-", *small, "--lang", "en", input=given)
    assert code == 0
    assert out.splitlines()[:3] == [
        "Hello,",
        "",
        "Thank you for thinking of us for this project. We have looked at it carefully and, as things stand, "
        "we can't take it on.",
    ]
    assert "Here is why" not in out
    assert err == "clientcheck: left out of the letter (no client_reason or client_offer in the rules): late-payer\n"


@pytest.mark.slow
def test_reply_to_an_assessment_number_out_of_range(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number past any assessment (and past SQLite's integers) is no such assessment, not a missing file."""
    db = tmp_path / "h.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(db))
    monkeypatch.chdir(tmp_path)
    assert invoke(cli, "check", "-", "--client", "ACME", input="{}")[0] == 0
    big = "9" * 23
    for arg in (big, f"#{big}"):
        assert invoke(cli, "reply", arg, "--lang", "en") == (
            2,
            "",
            f"clientcheck: error: {db}: no assessment #{big} (list them with 'clientcheck history')\n",
        )
        assert invoke(cli, "reply", arg, "--lang", "ru") == (
            2,
            "",
            f"clientcheck: ошибка: {db}: оценки №{big} нет (список: clientcheck history)\n",
        )


def test_an_unsettled_reply_asks_the_client_for_client_facts_and_the_seller_for_a_profile(
    cli: CliRunner, tmp_path: Path
) -> None:
    """business_stage or min_price are the seller's own answers: they come from the profile, never
    from the client, so the refusal says so (en and ru); the 'Ask next' table and Markdown too."""
    path = tmp_path / "client.yaml"
    path.write_text("client: Lingua Ltd\nrude: false\n", encoding="utf-8")
    code, out, err = invoke(cli, "reply", str(path), "--lang", "en")
    assert (code, out) == (2, "")
    assert err == (
        "clientcheck: error: the verdict is not settled: GO on what is known, but it could still become DECLINE, "
        "and a letter now could promise what the missing answers take back; ask first: budget_stated, "
        "worked_before, billing ('clientcheck check' lists them all); complete your profile: clientcheck profile "
        "set business_stage=... min_price=... min_monthly_price=... payment_term_days=... order_book=..., "
        "or add --anyway\n"
    )
    code, out, err = invoke(cli, "reply", str(path), "--lang", "ru")
    assert err == (
        "clientcheck: ошибка: вердикт ещё не окончательный: по известным ответам — «БРАТЬ», но он может смениться "
        "на «ОТКАЗАТЬ», и письмо сейчас может пообещать то, что недостающие ответы отменят; сначала спросите: "
        "budget_stated, worked_before, billing (все вопросы покажет «clientcheck check»); заполните свой профиль: "
        "clientcheck profile set business_stage=... min_price=... min_monthly_price=... payment_term_days=... "
        "order_book=... или добавьте --anyway\n"
    )
    code, out, _ = invoke(cli, "check", str(path), "-f", "markdown", "--lang", "en")
    asked = out.split("### Ask next\n\n")[1].split("\n\n")
    assert not any(q in asked[0] for q in ("business_stage", "min_price", "order_book"))
    assert asked[1] == (
        "Complete your profile (questions about your business, not the client's): `clientcheck profile set "
        "business_stage=... min_price=... min_monthly_price=... payment_term_days=... order_book=...`"
    )
    code, out, _ = invoke(cli, "check", str(path), "--lang", "ru")
    flat = " ".join(out.split())
    assert (
        "Заполните свой профиль (это вопросы о вашем деле, а не о клиенте): clientcheck profile set "
        "business_stage=... min_price=..." in flat
    )
    assert "│ business_stage" not in out


@pytest.mark.parametrize(
    ("name", "content", "en", "ru"),
    [
        (
            "leads.jsonl",
            '{"client": "a"}\n{"client": "b"}\n',
            "{p}: reply writes to one client, and a JSON Lines file holds one per line; pick one by its line, "
            "e.g. the third: sed -n 3p {p} | clientcheck reply -",
            "{p}: reply пишет одному клиенту, а в файле JSON Lines клиентов по одному в строке; выберите строку, "
            "например третью: sed -n 3p {p} | clientcheck reply -",
        ),
        (
            "leads.csv",
            "client,rude\na,yes\n",
            "{p}: reply writes to one client, and this holds many; give it one client's answers (a YAML or JSON "
            "file), or the number of a saved assessment",
            "{p}: reply пишет одному клиенту, а здесь их много; укажите ответы одного клиента (файл YAML или JSON) "
            "или номер сохранённой оценки",
        ),
    ],
)
def test_reply_to_a_batch_says_it_takes_one_client_and_how_to_pick_one(
    cli: CliRunner, tmp_path: Path, name: str, content: str, en: str, ru: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert invoke(cli, "reply", str(path), "--lang", "en") == (2, "", f"clientcheck: error: {en.format(p=path)}\n")
    assert invoke(cli, "reply", str(path), "--lang", "ru") == (2, "", f"clientcheck: ошибка: {ru.format(p=path)}\n")

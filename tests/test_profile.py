"""The seller profile: `clientcheck profile`, and how interview and check use it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clientcheck import profile as profiles
from clientcheck.loader import load_catalog
from clientcheck.model import Text
from tests.conftest import invoke
from tests.keys import ENTER, typed

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder (where profiles live), a data folder and a history of the test's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "history.sqlite3"))
    monkeypatch.setenv("COLUMNS", "200")
    for var in ("CLIENTCHECK_PROFILE", "CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS", "LC_ALL", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "config" / "clientcheck" / "profiles"


def test_set_writes_only_seller_answers_with_units(cli: CliRunner, isolated: Path) -> None:
    code, _, err = invoke(
        cli, "profile", "set", "min_price=150k", "currency=EUR", "payment_term_days=2 weeks", "business_stage=new"
    )
    assert code == 0
    path = isolated / "default.yaml"
    assert err == f"Profile 'default' saved in {path}\n"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == {"business_stage": "new", "currency": "EUR", "min_price": 150000, "payment_term_days": 14}
    code, _, _ = invoke(cli, "profile", "set", "min_price=1,5 млн", "--lang", "ru")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["min_price"] == 1500000


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "rude=yes",
            "'rude' is not a question about your business; one of: business_stage, order_book, offer, currency, "
            "min_price, min_monthly_price, payment_term_days",
        ),
        ("min_price", "'min_price': expected QUESTION=ANSWER, e.g. min_price=150k"),
        (
            "min_price=3 days",
            "min_price: “3 days” does not fit: 'days' is not an amount (k, m, тыс, млн, or a currency). Enter a "
            "number from 0 to 1,000,000,000; or 150k, 1.5m, or leave it empty for don't know",
        ),
        ("business_stage=huge", 'business_stage: "huge" is not a choice; expected one of: new, established'),
    ],
)
def test_set_refuses_what_is_not_a_seller_answer(cli: CliRunner, isolated: Path, item: str, message: str) -> None:
    code, out, err = invoke(cli, "profile", "set", item, "--lang", "en")
    assert err == f"clientcheck: error: {message}\n"
    assert (code, out) == (2, "")
    assert not (isolated / "default.yaml").exists()


def test_show_list_and_profiles_by_name(cli: CliRunner, isolated: Path) -> None:
    code, _, err = invoke(cli, "profile", "show")
    assert code == 2
    assert err == (
        f"clientcheck: error: Profile 'default' has no answers yet ({isolated / 'default.yaml'}); "
        "create it with: clientcheck profile --profile default\n"
    )
    invoke(cli, "profile", "set", "min_price=150k", "--profile", "studio")
    code, out, _ = invoke(cli, "profile", "show", "--profile", "studio", "--format", "json")
    assert (code, json.loads(out)) == (0, {"min_price": 150000})
    code, out, _ = invoke(cli, "profile", "list")
    assert (code, out) == (0, "studio\n")
    code, out, _ = invoke(cli, "profile", "show", "--profile", "studio")
    assert "150,000" in out and "min_price" in out


def test_a_bad_profile_name_is_refused(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "profile", "set", "min_price=1", "--profile", "../etc")
    assert err == (
        "clientcheck: error: --profile: '../etc' is not a profile name; "
        "use letters, digits, '.', '_' or '-' (up to 64)\n"
    )
    assert code == 2


@pytest.mark.slow
def test_the_profile_asked_on_a_terminal(cli: CliRunner, isolated: Path) -> None:
    keys = "2" + ENTER + "2" + ENTER + "Shops" + ENTER + "EUR" + ENTER + "15k" + ENTER + "3k" + ENTER
    keys += "2 weeks" + ENTER + ENTER  # then Enter at the review
    code, _, _ = typed(cli, "profile", "--lang", "en", keys=keys)
    assert code == 0
    assert yaml.safe_load((isolated / "default.yaml").read_text(encoding="utf-8")) == {
        "business_stage": "established",
        "order_book": "some",
        "offer": "Shops",
        "currency": "EUR",
        "min_price": 15000,
        "min_monthly_price": 3000,
        "payment_term_days": 14,
    }


def test_profile_needs_a_terminal_to_ask(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "profile", input="")
    assert err == (
        "clientcheck: error: answering the profile's questions needs a terminal; "
        "set answers with: clientcheck profile set QUESTION=ANSWER ...\n"
    )
    assert code == 2


def test_edit_checks_the_file_and_says_where_it_is_wrong(
    cli: CliRunner, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "min_price: 20k\\nrude: true\\n" > "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    code, _, err = invoke(cli, "profile", "edit")
    path = isolated / "default.yaml"
    assert err == (
        f"clientcheck: error: {path}: rude: a question about the client, not about your business; "
        "it belongs in answers files\n"
    )
    assert code == 2
    assert path.read_text(encoding="utf-8") == "min_price: 20k\nrude: true\n"  # what was typed is kept
    editor.write_text('#!/bin/sh\nprintf "min_price: 20k\\n" > "$1"\n', encoding="utf-8")
    code, _, err = invoke(cli, "profile", "edit")
    assert (code, err) == (0, f"Profile 'default' saved in {path}\n")


def test_check_fills_in_from_the_profile_and_the_file_wins(cli: CliRunner, tmp_path: Path) -> None:
    invoke(cli, "profile", "set", "min_price=150k", "currency=EUR", "business_stage=new")
    answers = tmp_path / "a.yaml"
    answers.write_text("budget_stated: true\nbilling: project\nbudget_amount: 100k\nbusiness_stage: established\n")
    code, out, _ = invoke(cli, "check", str(answers), "-f", "json")
    assert code == 1
    verdict = json.loads(out)
    assert verdict["profile"] == "default"
    assert verdict["answers"]["min_price"] == 150000
    assert verdict["answers"]["business_stage"] == "established"  # the answers file wins
    assert [f["id"] for f in verdict["findings"]] == ["cannot-afford"]
    _, out, _ = invoke(cli, "check", str(answers))
    assert "150,000 EUR" in out and "Seller profile: default" in out


def test_a_named_profile_must_exist(cli: CliRunner, tmp_path: Path, isolated: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("rude: false\n")
    code, _, err = invoke(cli, "check", str(answers), "--profile", "studio")
    assert err == (
        f"clientcheck: error: no profile 'studio' (looked for {isolated / 'studio.yaml'}); "
        "create it with: clientcheck profile --profile studio\n"
    )
    assert code == 2


@pytest.mark.slow
def test_a_monthly_retainer_is_judged_per_month(tmp_path: Path) -> None:
    from clientcheck.answers import read_answers
    from clientcheck.evaluate import evaluate

    catalog = load_catalog()
    path = tmp_path / "retainer.yaml"
    path.write_text(
        "min_price: 150k\nmin_monthly_price: 60k\nbudget_stated: true\nbilling: monthly\nbudget_amount: 100k\n"
        "budget_from_investor: false\nexpected_revenue: 100k\nexpected_cost: 70k\n"
    )
    verdict = evaluate(catalog, read_answers(str(path), catalog))
    assert "cannot-afford" not in [f.rule.id for f in verdict.red_flags]
    assert "budget-confirmed" in [f.rule.id for f in verdict.good_signs]


@pytest.mark.slow
def test_interview_never_asks_seller_questions_with_a_profile(cli: CliRunner) -> None:
    invoke(cli, "profile", "set", "min_price=100k", "currency=EUR")
    example = EXAMPLES / "late-payer.yaml"
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    seller = [q.id for q in profiles.seller_questions(load_catalog())]
    given = {k: v for k, v in data.items() if k not in seller}
    path = Path(os.environ["XDG_DATA_HOME"]) / "given.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(given, allow_unicode=True))
    code, out, err = typed(cli, "interview", "--answers", str(path), "--lang", "en", "-f", "json", keys=ENTER + ENTER)
    verdict = json.loads(out)
    assert verdict["profile"] == "default"
    assert (verdict["answers"]["min_price"], verdict["answers"]["currency"]) == (100000, "EUR")
    assert "order_book" not in verdict["answers"]  # the profile leaves it out: unknown, never asked
    assert (
        "Your profile 'default' does not answer these 5 questions, so they count as don't know: "
        "“How established is your business?” (business_stage), “How full is your order book right now?” "
        "(order_book), “What do you sell, and to whom?” (offer), “What is your minimum price for a month of "
        "ongoing work?” (min_monthly_price), “What payment term do your invoices give?” (payment_term_days). "
        "Complete it with: clientcheck profile"
    ) in err.splitlines()
    assert not any(line.startswith("✔ ") for line in err.splitlines())
    assert (code, verdict["verdict"]) == (0, "caution"), verdict["findings"]


def test_show_of_an_assessment_in_the_profiles_currency_is_faithful(cli: CliRunner, tmp_path: Path) -> None:
    """show N judged the saved answers again without the profile's currency, so its texts differed
    from the stored ones and it said "the rules have changed (then X, now X)" with X the same."""
    assert invoke(cli, "profile", "set", "currency=RUB")[0] == 0
    answers = tmp_path / "b.yaml"
    answers.write_text(
        "budget_stated: true\nbudget_amount: 1500000\nbilling: project\nbudget_from_investor: false\nmin_price: 150000\n",
        encoding="utf-8",
    )
    assert invoke(cli, "check", str(answers), "--client", "B", "-q")[0] in (0, 1)
    code, out, err = invoke(cli, "show", "1")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("Assessment #1 · B · ")
    assert "rules have changed" not in out and "read differently" not in out


def test_a_profile_fills_in_every_way_of_checking_a_client_alike(cli: CliRunner, tmp_path: Path) -> None:
    """One verdict per client, whatever the command: `check FILE` took the profile's minimum price,
    while --batch, a JSON Lines or CSV batch and `explain` read the same client without it."""
    assert invoke(cli, "profile", "set", "min_price=150k")[0] == 0
    facts = {"client": "Foo", "budget_stated": True, "budget_amount": 100000, "billing": "project"}
    one = tmp_path / "foo.yaml"
    one.write_text(yaml.safe_dump(facts), encoding="utf-8")
    lines = tmp_path / "foo.jsonl"
    lines.write_text(json.dumps(facts) + "\n" + json.dumps({**facts, "min_price": None}) + "\n", encoding="utf-8")
    table = tmp_path / "foo.csv"
    table.write_text("client,budget_stated,budget_amount,billing\nFoo,yes,100000,project\n", encoding="utf-8")

    def verdicts(*args: str) -> list[str]:
        code, out, err = invoke(cli, "check", *args, "-f", "jsonl")
        assert err == "" and code == 1, err
        return [json.loads(line)["verdict"] for line in out.splitlines()]

    assert verdicts(str(one)) == ["decline"]
    assert verdicts(str(one), "--batch") == ["decline"]
    assert verdicts(str(table)) == ["decline"]
    # the second record says "don't know" for the minimum price itself: the profile does not overrule it
    assert verdicts(str(lines), "--jobs", "1") == ["decline", "go"]
    code, out, _ = invoke(cli, "explain", str(one), "--select", "cannot-afford", "-f", "json")
    assert code == 0 and json.loads(out)["rules"][0]["status"] == "fired"
    # a named profile for a batch, as for one file
    assert invoke(cli, "profile", "set", "min_price=50k", "--profile", "small")[0] == 0
    code, out, err = invoke(cli, "check", str(table), "--profile", "small", "-f", "jsonl")
    assert (code, err, json.loads(out)["verdict"]) == (0, "", "go")


@pytest.mark.slow
def test_worker_processes_fill_in_the_profile_on_every_path(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's runner had no profile: a record that took the careful path there (an amount
    written "50k") was judged without it, so --jobs 2 said go where --jobs 1 said decline."""
    from clientcheck import parallel

    if not parallel.parallel_ok(2):
        pytest.skip("no fork here")
    monkeypatch.setattr(parallel, "cpus", lambda: 2)
    assert invoke(cli, "profile", "set", "min_price=150k")[0] == 0
    facts = {"budget_stated": True, "billing": "project"}
    lines = [json.dumps({**facts, "client": f"c{i}", "budget_amount": "50k" if i % 2 else 50000}) for i in range(4000)]
    path = tmp_path / "leads.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = invoke(cli, "check", str(path), "-f", "jsonl", "--jobs", "2")
    assert (code, err) == (1, "")
    assert {json.loads(line)["verdict"] for line in out.splitlines()} == {"decline"}
    assert out == invoke(cli, "check", str(path), "-f", "jsonl", "--jobs", "1")[1]


def test_set_takes_a_question_mark_for_dont_know(cli: CliRunner, isolated: Path) -> None:
    """`?` is "don't know" in a CSV cell; `profile set order_book=?` said "not a choice"."""
    code, _, err = invoke(cli, "profile", "set", "order_book=?", "min_price=?", "currency=EUR")
    assert (code, err) == (0, f"Profile 'default' saved in {isolated / 'default.yaml'}\n")
    data = yaml.safe_load((isolated / "default.yaml").read_text(encoding="utf-8"))
    assert data == {"order_book": None, "min_price": None, "currency": "EUR"}


def test_a_batch_shows_amounts_in_the_currency_each_client_s_answers_name(cli: CliRunner, tmp_path: Path) -> None:
    """--format json of a batch showed every client's amounts in the profile's currency, or in
    none: a record's own `currency` answer, which wins for one client, was not read."""
    assert invoke(cli, "profile", "set", "currency=USD")[0] == 0
    facts = {"budget_stated": True, "budget_amount": 5000, "min_price": 10000, "billing": "project"}
    records = [{"client": "Euro", "currency": "EUR", **facts}, {"client": "Plain", **facts}]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out, err = invoke(cli, "check", str(path), "-f", "json")
    assert (code, err) == (1, "")
    results = json.loads(out)["results"]
    for record, result in zip(records, results, strict=True):
        one = tmp_path / f"{record['client']}.json"
        one.write_text(json.dumps(record), encoding="utf-8")
        alone = json.loads(invoke(cli, "check", str(one), "-f", "json")[1])
        # the same object as `check FILE` gives, but for where it came from
        assert {k: v for k, v in result.items() if k not in ("input", "line")} == alone, record["client"]
    texts = [json.dumps(r, ensure_ascii=False) for r in results]
    assert "5,000 EUR" in texts[0] and "5,000 USD" not in texts[0]
    assert "5,000 USD" in texts[1] and "EUR" not in texts[1]


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        (
            "en",
            1,
            "Your profile 'default' does not answer this question, so it counts as don't know: "
            "“What do you sell, and to whom?” (offer). Complete it with: clientcheck profile",
        ),
        (
            "en",
            2,
            "Your profile 'default' does not answer these 2 questions, so they count as don't know: "
            "“What do you sell, and to whom?” (offer), “In what currency do you quote your prices?” (currency). "
            "Complete it with: clientcheck profile",
        ),
        (
            "ru",
            1,
            "В профиле «default» нет ответа на 1 вопрос; пока его нет, вместо него стоит «не знаю»: "
            "«Что вы продаёте и кому?» (offer). Дополнить профиль: clientcheck profile",
        ),
        (
            "ru",
            2,
            "В профиле «default» нет ответов на 2 вопроса; пока их нет, вместо них стоит «не знаю»: "
            "«Что вы продаёте и кому?» (offer), «В какой валюте вы называете цены?» (currency). "
            "Дополнить профиль: clientcheck profile",
        ),
    ],
)
def test_a_profile_missing_answers_names_the_questions_in_their_number(lang: str, count: int, expected: str) -> None:
    """One question is one, not "they"; each is named by its text, the id after it, as questions are shown."""
    from clientcheck.render.names import profile_missing

    catalog = load_catalog()
    missing = [catalog.questions["offer"], catalog.questions["currency"]][:count]
    assert profile_missing(lang, "default", missing) == expected


def test_russian_counts_past_twenty_take_the_right_form() -> None:
    from clientcheck.render.names import profile_missing

    offer = load_catalog().questions["offer"]
    assert profile_missing("ru", "p", [offer] * 21).startswith("В профиле «p» нет ответа на 21 вопрос; пока его нет")
    assert profile_missing("ru", "p", [offer] * 25).startswith("В профиле «p» нет ответов на 25 вопросов; пока их нет")


def test_the_currency_replaces_a_money_unit_given_as_word_forms() -> None:
    from clientcheck import fmt
    from clientcheck.profile import with_currency

    catalog = load_catalog()
    budget = catalog.questions["budget_amount"]._replace(
        unit=Text({"en": "rubles", "ru": "рублей"}),
        forms=(("en", ("ruble", "rubles")), ("ru", ("рубль", "рубля", "рублей"))),
    )
    catalog = catalog._replace(questions={**catalog.questions, "budget_amount": budget})
    in_euros = with_currency(catalog, {"currency": "EUR"})
    assert [fmt.answer(in_euros, "budget_amount", 5000, lang) for lang in ("en", "ru")] == [
        "5,000 EUR",
        "5\u00a0000 EUR",
    ]

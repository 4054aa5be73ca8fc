"""clientcheck report: the statistics, a synthetic history where the truth is known, and every output."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.evaluate import evaluate
from clientcheck.history import History, save_verdict
from clientcheck.loader import load_catalog
from clientcheck.model import Answers, Catalog
from clientcheck.outcomes import OutcomeFacts, record
from clientcheck.render.report_data import suggestion_text
from clientcheck.report import (
    NO_LINK,
    PREDICTS,
    TOO_FEW,
    Overruled,
    Rate,
    RuleStats,
    build,
    newcombe,
    suggest,
    wilson,
)
from tests.conftest import SMALL_RULES, TODAY, WriteYaml, invoke

START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "history.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(db))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("COLUMNS", "200")
    for var in ("CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return db


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


def small(small_catalog: tuple[Path, Path]) -> list[str]:
    """Nothing to add: the autouse fixture below puts the small catalog in effect."""
    return []


@pytest.fixture(autouse=True)
def small_in_effect(small_catalog: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the small catalog's folder: its rules.yaml and questions/ are the ones in effect."""
    (small_catalog[0].parent / "clientcheck.yaml").write_text("", encoding="utf-8")  # a clientcheck project folder
    monkeypatch.chdir(small_catalog[0].parent)


# ---------------------------------------------------------------- the intervals


def test_wilson_matches_published_values() -> None:
    # Newcombe (1998), table I: 81/263 -> 0.2553..0.3662; 15/148 -> 0.0624..0.1605; 0/10 -> 0..0.2775
    for (k, n), (low, high) in {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 10): (0.0, 0.2775),
        (10, 10): (0.7225, 1.0),
    }.items():
        iv = wilson(k, n)
        assert iv is not None
        assert (round(iv.low, 4), round(iv.high, 4)) == (low, high)
    assert wilson(0, 0) is None


def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998), table II, example (a): 56/70 - 48/80 -> 0.0524..0.3339 with method 10
    iv = newcombe(56, 70, 48, 80)
    assert iv is not None
    assert (round(iv.low, 4), round(iv.high, 4)) == (0.0524, 0.3339)
    # example (h): 10/10 - 0/10 -> 0.6075..1.0000
    iv = newcombe(10, 10, 0, 10)
    assert iv is not None
    assert (round(iv.low, 4), round(iv.high, 4)) == (0.6075, 1.0)
    assert newcombe(1, 2, 0, 0) is None


def test_three_cases_give_an_interval_too_wide_to_say_anything() -> None:
    iv = Rate(1, 3).interval
    assert iv is not None
    assert (round(iv.low, 2), round(iv.high, 2)) == (0.06, 0.79)
    big = Rate(100, 300).interval
    assert big is not None and big.width < 0.12  # the same rate on 300 cases


# ---------------------------------------------------------------- a history where the truth is known


def synthetic(db: Path, catalog: Catalog) -> dict[str, int]:
    """240 assessments with outcomes. Trouble depends on pay-if-i-like only (70% when it fires, 15%
    when not); unprofitable fires on half of the trouble and half of the fine cases of each group, so it
    carries no information; late-payer fires on exactly 3 clients (one with trouble)."""
    counts = {"pif": 0, "other": 0}
    cell: dict[tuple[bool, bool], int] = {}
    h = History.open(db)
    assert h is not None
    with h:
        for i in range(240):
            pif = i % 4 == 0
            group = "pif" if pif else "other"
            j = counts[group]
            counts[group] += 1
            trouble = j % 10 < 7 if pif else j % 20 < 3
            n = cell.get((pif, trouble), 0)
            cell[(pif, trouble)] = n + 1
            unprofitable = n % 2 == 0
            late = not pif and j in (2, 3, 4)
            answers: dict[str, object] = {
                "worked_before": late,
                "advance": "none" if pif else "partial",
                "asks": frozenset({"free_sample"}) if pif else frozenset(),
                "cost": 200 if unprofitable else 100,
                "revenue": 150,
            }
            if late:
                answers["late_payments"] = 2
            client = f"Client {i:03d}"
            verdict = evaluate(catalog, Answers(answers, client))
            a = save_verdict(h, verdict, catalog, "en", client, at=START + timedelta(hours=i))
            facts = (
                OutcomeFacts(True, "late", False, None, None, False)
                if trouble
                else OutcomeFacts(True, "on_time", True, False, None, True)
            )
            record(h, a, facts, date(2025, 12, 1), at=START + timedelta(days=300, hours=i))
    return counts


@pytest.mark.slow
def test_the_report_finds_the_rule_that_predicts_trouble_and_the_one_that_does_not(
    catalog: Catalog, isolated: Path
) -> None:
    synthetic(isolated, catalog)
    with History.open(isolated) as h:  # type: ignore[union-attr]
        report = build(h, catalog)
    assert (report.assessments, report.with_outcome, len(report.cases)) == (240, 240, 240)
    by_id = {s.id: s for s in report.rules}
    order = [s.id for s in report.rules]

    pif, unprof, late = by_id["pay-if-i-like"], by_id["unprofitable"], by_id["late-payer"]
    assert (pif.fired.k, pif.fired.n, pif.not_fired.k, pif.not_fired.n) == (42, 60, 27, 180)
    assert pif.reading == PREDICTS
    assert pif.difference is not None and pif.difference.low > 0.4
    assert order[0] == "pay-if-i-like"

    assert unprof.reading == NO_LINK
    d = unprof.difference
    assert d is not None and d.low < 0 < d.high and d.width < 0.3
    assert order.index("pay-if-i-like") < order.index("unprofitable")

    # three cases: the interval says so, the reading says so, and no suggestion rests on it
    assert (late.fired.k, late.fired.n) == (1, 3)
    iv = late.fired.interval
    assert iv is not None and iv.width > 0.7
    assert late.reading == TOO_FEW
    assert late.severities == {"caution": 3}

    assert [(s.rule, s.action, s.fields["now"], s.fields["to"]) for s in report.suggestions] == [
        ("pay-if-i-like", "raise", "high", "decline")
    ]
    assert by_id["pays-on-time"].fired.n == 0  # never fired: nothing to compare


@pytest.mark.slow
def test_report_table_json_and_suggestion_text(
    cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path]
) -> None:
    synthetic(isolated, catalog)
    code, out, err = invoke(cli, "report", *small(small_catalog), "--lang", "en")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "240 assessments, 240 with an outcome; 240 clients taken with a known outcome, trouble: 69 of 240 (29%, 23–35%)"
    )
    assert (
        "1. 'pay-if-i-like' fired on 60 clients, 42 had trouble vs 27 of 180 without it: consider raising it from "
        "high to decline." in out
    )
    assert "too few cases to say (3 fired)" in out
    assert "Never fired on the 240 clients with an outcome, so nothing to compare: pays-on-time." in out
    # the chart: a bar per side, the 3-case rule with a long tail of ░
    chart = out[out.index("Trouble rate when the rule fired") :]
    late = next(line for line in chart.splitlines() if line.lstrip().startswith("late-payer"))
    assert late.count("░") > late.count("█") + late.count("▓")

    code, out, err = invoke(cli, "report", *small(small_catalog), "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["schema"] == "clientcheck.report/1"
    assert [r["id"] for r in data["rules"]][:1] == ["pay-if-i-like"]
    pif = data["rules"][0]
    assert pif["when_fired"] == {
        "trouble": 42,
        "of": 60,
        "rate": 0.7,
        "interval": {"low": round(wilson(42, 60).low, 4), "high": round(wilson(42, 60).high, 4)},  # type: ignore[union-attr]
    }
    assert pif["reading"] == "predicts-trouble"
    assert data["suggestions"][0]["action"] == "raise"
    assert sum(v["of"] for v in data["by_verdict"].values()) == 240
    assert data["by_verdict"]["decline"]["of"] == 30  # pay-if-i-like and unprofitable together: score 6


@pytest.mark.slow
def test_report_in_russian(cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path]) -> None:
    synthetic(isolated, catalog)
    code, out, _ = invoke(cli, "report", *small(small_catalog), "--lang", "ru")
    assert code == 0
    assert out.splitlines()[0] == (
        "Оценок: 240, с итогом: 240; взятых клиентов с известным итогом: 240, с проблемами: 69 из 240 (29\u00a0%, 23–35\u00a0%)"
    )
    assert (
        "«pay-if-i-like» сработало у клиентов: 60, проблемы были у 42; без него — у 27 из 180. "
        "Стоит поднять уровень: высокая → отказ." in out
    )


@pytest.mark.slow
def test_what_if_with_other_rules(
    cli: CliRunner,
    catalog: Catalog,
    isolated: Path,
    small_catalog: tuple[Path, Path],
    write_yaml: WriteYaml,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    synthetic(isolated, catalog)
    stricter = write_yaml(
        "small/stricter.yaml",
        SMALL_RULES.replace(
            'when: advance == "none" and "free_sample" in asks\n    severity: high',
            'when: advance == "none" and "free_sample" in asks\n    severity: decline',
        ),
    )
    assert stricter.read_text() != SMALL_RULES
    code, out, err = invoke(cli, "report", "--rules", str(stricter), "--format", "json")
    assert (code, err) == (0, "")
    w = json.loads(out)["what_if"]
    assert (w["in_effect"]["decline"]["trouble"], w["in_effect"]["decline"]["of"]) == (21, 30)
    assert (w["other"]["decline"]["trouble"], w["other"]["decline"]["of"]) == (42, 60)
    assert len(w["changed"]) == 30  # pay-if-i-like without unprofitable: caution -> decline
    assert {(c["verdict"]["in_effect"], c["verdict"]["other"]) for c in w["changed"]} == {("caution", "decline")}
    code, out, err = invoke(cli, "report", "--rules", str(stricter), "--lang", "en")
    assert code == 0
    assert "Trouble declined: 21 → 42 of 69 clients with trouble." in out
    assert "Declined without trouble: 9 → 18 of 171 clients without trouble." in out
    assert "30 verdicts change" in out
    page = isolated.parent / "whatif.html"
    assert invoke(cli, "report", "--rules", str(stricter), "--html", str(page), "--lang", "en")[0] == 0
    html = page.read_text(encoding="utf-8")
    assert "<h2>30 verdicts change</h2>" in html
    assert "Trouble declined: 21 → 42 of 69 clients with trouble." in html


def test_overruled_verdicts(cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path]) -> None:
    h = History.open(isolated)
    assert h is not None
    with h:
        for i in range(3):  # declined (three late payments), taken anyway
            v = evaluate(catalog, Answers({"worked_before": True, "late_payments": 3}, f"D{i}"))
            a = save_verdict(h, v, catalog, "en", f"D{i}")
            record(h, a, OutcomeFacts(True, "late" if i == 0 else "on_time", True, False), TODAY)
        v = evaluate(catalog, Answers({"worked_before": False}, "G"))
        a = save_verdict(h, v, catalog, "en", "G")
        record(h, a, OutcomeFacts(False), TODAY)
    code, out, _ = invoke(cli, "report", *small(small_catalog), "--lang", "en")
    assert code == 0
    assert "• DECLINE, taken anyway: 3 clients. Trouble: 1 of 3 (33%, 6–79%)." in out
    assert "  D0 (#1, trouble), D1 (#2, no trouble), D2 (#3, no trouble)" in out
    assert "• GO, not taken: 1 client." in out


def test_no_outcomes_yet(cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path]) -> None:
    code, out, err = invoke(cli, "report", *small(small_catalog))
    assert (code, out) == (2, "")
    assert err == (
        f"clientcheck: error: {isolated}: no history database here yet; name a client to save one: "
        "clientcheck check ANSWERS --client NAME\n"
    )
    h = History.open(isolated)
    assert h is not None
    with h:
        save_verdict(h, evaluate(catalog, Answers({}, "A")), catalog, "en", "A")
    code, out, err = invoke(cli, "report", *small(small_catalog), "--lang", "en")
    assert code == 0
    assert err == "No outcomes recorded yet: record how it went with a client with 'clientcheck outcome CLIENT'.\n"
    assert out.splitlines()[0].startswith("1 assessment, 0 with an outcome; 0 clients taken")


def test_one_client_reads_in_the_singular_and_nothing_to_compare_is_one_line(
    cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path]
) -> None:
    h = History.open(isolated)
    assert h is not None
    with h:
        a = save_verdict(h, evaluate(catalog, Answers({"worked_before": False}, "G")), catalog, "en", "G")
        record(h, a, OutcomeFacts(True, "on_time", True, False, None, True), TODAY)
    code, out, _ = invoke(cli, "report", *small(small_catalog), "--lang", "en")
    assert code == 0
    got = out.splitlines()
    assert got[0] == "1 assessment, 1 with an outcome; 1 client taken with a known outcome, trouble: 0 of 1 (0%, 0–79%)"
    start = got.index("How each rule went (strongest sign of trouble first)")
    assert got[start + 1] == (
        "Nothing to compare yet: no rule has fired on some of the clients with an outcome and not on the others."
    )
    assert not any(line.startswith(("┏", "┃ Rule")) for line in got)  # no table drawn without rows
    assert any(line.startswith("Never fired on the 1 client with an outcome, so nothing to compare: ") for line in got)
    code, out, _ = invoke(cli, "report", *small(small_catalog), "--lang", "ru")
    got = out.splitlines()
    start = got.index("Как сработало каждое правило (сначала самые явные признаки проблем)")
    assert got[start + 1] == (
        "Сравнивать пока нечего: нет правила, которое у одних клиентов с итогом сработало, а у других нет."
    )


# ---------------------------------------------------------------- the HTML page


@pytest.mark.slow
def test_html_embeds_a_chart(
    cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")  # the `charts` extra; the `test` extra installs it
    synthetic(isolated, catalog)
    page = tmp_path / "report.html"
    code, out, err = invoke(cli, "report", *small(small_catalog), "--html", str(page), "--lang", "en")
    assert code == 0 and out
    assert err == f"Wrote the report with its chart to {page}\n"
    html = page.read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    chart = html[html.index('<div class="chart">') : html.index("</svg>")]
    assert "<svg" in chart and "<?xml" not in html
    # the chart shows every compared rule (text stays text in the SVG) and draws its markers
    for label in ("pay-if-i-like  (n=60)", "unprofitable  (n=", "late-payer  (n=3)"):
        assert label in chart
    assert chart.count("<path") > 10
    assert "consider raising it from high to decline" in html
    # in Russian: the page's language, its words, the chart's labels
    ru = tmp_path / "ru.html"
    assert invoke(cli, "report", *small(small_catalog), "--html", str(ru), "--lang", "ru")[0] == 0
    text = ru.read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="ru">')
    assert "<h1>clientcheck: насколько правила предсказывали проблемы</h1>" in text
    assert "клиенты с проблемами, %" in text[text.index("<svg") : text.index("</svg>")]
    # the same report gives the same file
    invoke(cli, "report", *small(small_catalog), "--html", str(tmp_path / "again.html"), "--lang", "en")
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == html


@pytest.mark.slow
def test_html_without_matplotlib_is_one_clear_line(
    cli: CliRunner,
    catalog: Catalog,
    isolated: Path,
    small_catalog: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    synthetic(isolated, catalog)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    page = tmp_path / "report.html"
    code, out, err = invoke(cli, "report", *small(small_catalog), "--html", str(page), "--lang", "en")
    assert (code, out) == (2, "")
    assert err == (
        "clientcheck: error: --html draws its chart with matplotlib, which is not installed: "
        "pip install 'clientcheck[charts]'\n"
    )
    assert not page.exists()


@pytest.mark.slow
def test_report_without_html_never_imports_matplotlib(small_catalog: tuple[Path, Path], isolated: Path) -> None:
    rules, questions = small_catalog
    code = (
        "import sys; from clientcheck.cli import main; "
        f"rc = main(['report', '--rules', {str(rules)!r}, '--questions', {str(questions)!r}, '--format', 'json']); "
        "print('matplotlib' in sys.modules, rc)"
    )
    h = History.open(isolated)
    assert h is not None
    h.close()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip().splitlines()[-1] == "False 0", done.stderr


@pytest.mark.slow
def test_a_browser_shows_the_chart(
    cli: CliRunner, catalog: Catalog, isolated: Path, small_catalog: tuple[Path, Path], tmp_path: Path
) -> None:
    """Headless Chromium renders the page; the screenshot has the chart's colours in it."""
    pytest.importorskip("matplotlib")
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    synthetic(isolated, catalog)
    page = tmp_path / "report.html"
    assert invoke(cli, "report", *small(small_catalog), "--html", str(page))[0] == 0
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--window-size=1100,1400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
    red, green = _colour_share(shot.read_bytes())
    assert red > 0.0005 and green > 0.0005  # the fired (red) and not-fired (green) markers were drawn


def _colour_share(png: bytes) -> tuple[float, float]:
    """The shares of pixels near the chart's red and green, decoded with zlib alone (RGB or RGBA, 8 bit)."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    red = green = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, channels):
            r, g, bl = line[x], line[x + 1], line[x + 2]
            if math.dist((r, g, bl), (0xC0, 0x39, 0x2B)) < 40:
                red += 1
            elif math.dist((r, g, bl), (0x27, 0xAE, 0x60)) < 40:
                green += 1
        prev = line
    return red / (width * height), green / (width * height)


# ---------------------------------------------------------------- each kind of suggestion, and when none is made


def stats(rule: str, kind: str, fired: tuple[int, int], not_fired: tuple[int, int], severity: str | None) -> RuleStats:
    return RuleStats(
        rule, kind, {"en": rule}, Rate(*fired), Rate(*not_fired), 0, {severity: fired[1]} if severity else {}
    )


def test_each_kind_of_suggestion(catalog: Catalog) -> None:
    cases = [
        stats("strong", "red-flag", (9, 12), (2, 30), "caution"),  # 75% vs 7%: raise caution -> high
        stats("at-top", "red-flag", (12, 12), (2, 30), "decline"),  # already the heaviest: nothing to raise
        stats("harmless", "red-flag", (10, 100), (12, 100), "high"),  # 10% vs 12%, tight: lower high -> caution
        stats("lightest", "red-flag", (10, 100), (12, 100), "caution"),  # nothing lighter than caution here
        stats("few", "red-flag", (3, 3), (2, 30), "caution"),  # 3 cases: no suggestion, however striking
        stats("bad-sign", "good-sign", (8, 12), (2, 30), None),  # a good sign with more trouble
        stats("kind-sign", "good-sign", (0, 12), (12, 30), None),  # works as meant: nothing to say
        stats("noted", "note", (9, 12), (2, 30), None),  # a note that predicts trouble
    ]
    overruled = [
        Overruled("decline", True, 12, Rate(1, 12), ()),  # declined, taken, mostly fine
        Overruled("decline", True, 5, Rate(0, 5), ()),  # too few to say
    ]
    found = [(s.rule, s.action, dict(s.fields)) for s in suggest(catalog, cases, overruled)]
    counts = {"fired": 12, "trouble": 9, "without": 30, "without_trouble": 2}
    assert found == [
        ("strong", "raise", {**counts, "now": "caution", "to": "high"}),
        (
            "harmless",
            "lower",
            {"fired": 100, "trouble": 10, "without": 100, "without_trouble": 12, "now": "high", "to": "caution"},
        ),
        ("bad-sign", "review-good-sign", {**counts, "trouble": 8}),
        ("noted", "make-red-flag", counts),
        ("", "decline-too-strict", {"count": 12, "trouble": 1}),
    ]
    texts = [suggestion_text(s, catalog, "en") for s in suggest(catalog, cases, overruled)]
    assert texts[1] == (
        "'harmless' fired on 100 clients, 10 had trouble vs 12 of 100 without it: it hardly adds to the risk; "
        "consider lowering it from high to caution."
    )
    assert texts[4] == (
        "12 declined clients were taken anyway and 1 of them had trouble: the line for decline "
        "(policy.decline_if in rules.yaml) may be too strict."
    )

"""The queries of the DuckDB path: for `--format jsonl`, each client's clientcheck.result/2
record written by DuckDB from pieces prepared once per rule level by render/jsonl.py (byte for
byte the Python path's); for the other formats, the rule outcomes that rows.py makes into
compiled.Result. The input's name (in every record) is the query's parameter $head, so one
query text serves every file of the same columns (saved.py keeps it)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlglot import exp

from clientcheck.model import CLIENT_KEY
from clientcheck.render.csv_out import UNDECIDED, cell
from clientcheck.render.jsonl import _finding
from clientcheck.sql.asks import Asks
from clientcheck.sql.gen import Plan
from clientcheck.sql.lookup import Lists
from clientcheck.sql.nodes import add, alias, and_, case, col, ident, is_null, lit, not_, or_, paren
from clientcheck.sql.rows import Rows
from clientcheck.sql.sources import concat, concat_ws, fn, json_text, s
from clientcheck.terminal import BIDI, FORMULA

# an undecided rule of at most this many levels has its head taken from 2**levels - 1 constants
MASK_LEVELS = 8
HEAD = "head"  # the query's parameter: the start of every record from one input (Encoder.head)


def client_json(client: exp.Expression) -> exp.Expression:
    """A client's name as JSON text with the bidirectional controls written as \\u escapes, as
    the Python path writes it (terminal.escape_bidi_bytes). Only a name that is not ASCII (its
    length in characters differs from its length in bytes) is searched for them, and only one
    that has one is rewritten; the controls are named by their code points, so the query itself
    holds none."""
    text = exp.cast(fn("to_json", client), "TEXT")
    escaped: exp.Expression = text.copy()
    for c in BIDI:
        escaped = fn("replace", escaped, fn("chr", lit(ord(c))), s(f"\\u{ord(c):04x}"))
    controls = s("[" + "".join(f"\\x{{{ord(c):04x}}}" for c in BIDI) + "]")  # RE2's \x{...}
    return case(
        [
            (is_null(client), s("null")),
            (exp.EQ(this=fn("strlen", client.copy()), expression=fn("length", client.copy())), text),
            (not_(fn("regexp_matches", client.copy(), controls)), text.copy()),
        ],
        escaped,
    )


class Layout(Rows):
    """The queries for one catalog and selection of rules, and the pieces of their records."""

    def plan(
        self,
        source: exp.Select,
        columns: Sequence[str],
        answered: bool,
        raw: Sequence[str],
        day: str,
    ) -> Plan:
        """The plan of a query on this source; `day`: today as conditions read it (ISO), one for
        all the queries of a file."""
        marks = {qid: col("cc_answered_" + qid) for qid in self.catalog.questions} if answered else None
        keep = ("line", "ok", *(f"cc_answered_{q}" for q in self.catalog.questions if answered))
        keep += tuple("cc_raw_" + name for name in raw)
        return Plan(
            self.catalog,
            self.rules,
            columns=columns,
            keep=keep,
            answered=marks,
            source=source,
            today=day,
            filled=self.filled,
        )

    # -- for --format jsonl: the record, written by DuckDB

    def ask_list(self, plan: Plan, r: int, tag: str = "k") -> exp.Expression:
        """The questions that would decide rule r, in evaluate's order, as JSON strings joined."""
        items = []
        entries = plan.entries[tag][r]
        for n, entry in enumerate(entries):
            earlier = [e.cond for e in entries[:n] if e.question == entry.question]
            test = and_(entry.cond, not_(or_(*earlier))) if earlier else entry.cond
            items.append(case([(test, s(json_text(entry.question)))]))
        return concat_ws(items)

    def asked(self, asks: Asks, r: int, lists: Lists) -> exp.Expression:
        """Rule r's questions to ask: looked up by a number (asks.py), or joined from its entries."""
        looked = asks.text(r, lists)
        return looked if looked is not None else self.ask_list(asks.plan, r, asks.tag)

    def record(self, plan: Plan, tail: bytes) -> exp.Expression:
        """The clientcheck.result/2 record of a row, as render/jsonl.Encoder writes it."""
        at = plan.chosen_index  # this layout's rule r is the plan's rule at[r]
        o = [col(plan.name("ko", at[r])) for r in range(len(self.rules))]
        t = [col(plan.name("kt", at[r])) for r in range(len(self.rules))]
        p = [[col(plan.name("kp", at[r], i)) for i in range(len(rule.levels))] for r, rule in enumerate(self.rules)]

        def fired(r: int, i: int) -> exp.Expression:
            return exp.EQ(this=o[r].copy(), expression=lit(i + 1))

        def finding(r: int, levels: Sequence[int]) -> exp.Expression:
            """The finding of rule r if it fired at one of these levels: one `CASE o WHEN level`,
            which DuckDB runs at about twice the speed of a searched CASE per level (and at less
            than a lookup in a list by a number made of several rules' outcomes)."""
            pick = exp.Case(this=o[r].copy())
            for i in levels:
                pick = pick.when(lit(i + 1), s(_finding(self.infos[(r, i)]).decode()), copy=False)
            return pick

        # red flags by rank (heaviest first, then rule and level order): a rule's levels of one
        # weight lie next to each other in it
        red: list[exp.Expression] = []
        ranked = sorted(self.rank, key=self.rank.__getitem__)
        n = 0
        while n < len(ranked):
            r, i = ranked[n]
            weight = self.rules[r].levels[i].weight
            levels = [i]
            while n + len(levels) < len(ranked):
                r2, i2 = ranked[n + len(levels)]
                if r2 != r or self.rules[r2].levels[i2].weight != weight:
                    break
                levels.append(i2)
            red.append(finding(r, levels))
            n += len(levels)
        good = [finding(r, range(len(rule.levels))) for r, rule in enumerate(self.rules) if rule.kind == "good-sign"]
        notes = [finding(r, range(len(rule.levels))) for r, rule in enumerate(self.rules) if rule.kind == "note"]
        undecided = self.undecided(plan, Lists(plan, "lk"), o, t, p)
        ignored = [
            case([(col(plan.name("i", qid)), s(json_text(qid)))])
            for qid, q in self.catalog.questions.items()
            if q.when is not None
        ]
        client = col(CLIENT_KEY)
        score = col(plan.name("score"))
        score_text: exp.Expression = exp.cast(score, "TEXT")
        if not plan.integral():
            # a score with float weights in it is written as a float, like Python's: 2.0, not 2
            floats = [
                fired(r, i)
                for r, rule in enumerate(self.rules)
                if rule.kind != "note"
                for i, lv in enumerate(rule.levels)
                if not isinstance(lv.weight, int)
            ]
            score_text = case([(or_(*floats), exp.cast(score, "TEXT"))], exp.cast(exp.cast(score, "BIGINT"), "TEXT"))
        return concat(
            exp.cast(exp.Placeholder(this=HEAD), "TEXT"),
            exp.cast(col("line"), "TEXT"),
            s(',"client":'),
            client_json(client),
            s(',"verdict":"'),
            col(plan.name("verdict")),
            s('","range":{"best":"'),
            col(plan.name("best")),
            s('","worst":"'),
            col(plan.name("worst")),
            s('"},"settled":'),
            case([(exp.EQ(this=col(plan.name("best")), expression=col(plan.name("worst"))), s("true"))], s("false")),
            s(',"score":'),
            score_text,
            s(',"findings":['),
            concat_ws(red),
            s('],"good_signs":['),
            concat_ws(good),
            s('],"notes":['),
            concat_ws(notes),
            s('],"undecided":['),
            concat_ws(undecided),
            s('],"ignored_answers":['),
            concat_ws(ignored),
            s("]"),
            s(tail.decode()),
        )

    def undecided(
        self, plan: Plan, lists: Lists, o: Sequence[exp.Expression], t: Sequence[exp.Expression], p: Any
    ) -> list[exp.Expression]:
        """The undecided rules' texts, heaviest open level first, ties in rule order: by weight,
        then rule. A rule's text is one constant (asks.py), looked up only for the rows where it
        is undecided (a lookup costs DuckDB about what a CASE does), or, where there would be too
        many, joined from pieces; in a layer of its own, listed once per weight its heaviest
        open level may have."""
        at = plan.chosen_index
        asks = Asks(plan, "k")
        columns: list[exp.Expression] = []
        for r in range(len(self.rules)):
            found = asks.table(at[r], partial(self.head_text, r), "]}")
            if found is not None:
                item = lists.pick(*found)
            else:
                item = concat(self.open_head(r, t[r], p[r]), self.ask_list(plan, at[r]), s("]}"))
            columns.append(alias(case([(is_null(o[r].copy()), item)]), plan.name("ud", r)))
        asks.layer()
        lists.join()
        plan.add_layer("ud", columns)
        items: list[exp.Expression] = []
        for w in sorted({lv.weight for rule in self.rules for lv in rule.levels}, reverse=True):
            for r, rule in enumerate(self.rules):
                levels = [i + 1 for i, lv in enumerate(rule.levels) if lv.weight == w]
                if len(levels) == len(rule.levels):
                    # all its levels weigh the same: an undecided rule (its text not NULL) has an
                    # open level, and that is one of these
                    items.append(col(plan.name("ud", r)))
                elif levels:
                    test = exp.In(this=t[r].copy(), expressions=[lit(i) for i in levels])
                    items.append(case([(test, col(plan.name("ud", r)))]))
        return items

    def head_text(self, r: int, mask: int) -> str:
        """open_head's text for the open levels whose bits are set in mask ("" for none: a rule
        with no open level is never undecided)."""
        rule = self.rules[r]
        if not mask:
            return ""
        start = json_text({"id": rule.id, "kind": rule.kind})[:-1] + ',"max_severity":'
        heaviest = sorted(range(len(rule.levels)), key=lambda i: (-rule.levels[i].weight, i))
        level = rule.levels[next(i for i in heaviest if mask >> i & 1)]
        severities = [lv.severity for i, lv in enumerate(rule.levels) if mask >> i & 1 and lv.severity is not None]
        return f'{start}{json_text(level.severity)},"severities":{json_text(list(dict.fromkeys(severities)))},"ask":['

    def open_head(self, r: int, top: exp.Expression, opened: Sequence[exp.Expression]) -> exp.Expression:
        """An undecided rule's JSON up to its questions: id, kind, max_severity (that of `top`,
        its heaviest open level) and the severities of its open levels. Both follow from which
        levels are open: for a rule of a few levels, the text for each set of them is a constant,
        taken from a list by the set as a number (open levels' bits), which costs DuckDB less
        than joining the pieces, or than a CASE over the sets."""
        rule = self.rules[r]
        start = json_text({"id": rule.id, "kind": rule.kind})[:-1] + ',"max_severity":'
        if len(rule.levels) <= MASK_LEVELS:
            bits = [
                exp.Mul(this=exp.cast(paren(e.copy()), "INT"), expression=lit(1 << i)) for i, e in enumerate(opened)
            ]
            # never 0: an undecided rule has an open level
            texts = [s(self.head_text(r, m)) for m in range(1, 1 << len(rule.levels))]
            # offset=1: the index is 1-based as written (sqlglot would add one for DuckDB)
            return exp.Bracket(this=exp.Array(expressions=texts), expressions=[add(bits[1:], bits[0])], offset=1)
        severity = case(
            [
                (exp.EQ(this=top.copy(), expression=lit(i + 1)), s(json_text(lv.severity)))
                for i, lv in enumerate(rule.levels)
            ]
        )
        # every severity it could still fire at: of the open levels, in level order, once each
        could = []
        for i, lv in enumerate(rule.levels):
            if lv.severity is None:
                continue
            same = [opened[j].copy() for j in range(i) if rule.levels[j].severity == lv.severity]
            test = and_(opened[i].copy(), not_(or_(*same))) if same else opened[i].copy()
            could.append(case([(test, s(json_text(lv.severity)))]))
        return concat(s(start), severity, s(',"severities":['), concat_ws(could), s('],"ask":['))

    def written(self, plan: Plan, separator: str | None = None) -> exp.Expression:
        """Whether DuckDB writes a row's record (or with a separator its row of cells) itself:
        its answers passed the checks, and the format writes it as DuckDB does (row_plain, and a
        score Python writes with the same digits). The other rows take the ordinary way."""
        ok = col("ok")
        if separator is not None:
            return and_(ok, self.row_plain(plan))
        if plan.integral():
            return ok
        # a fractional score is written by Python: DuckDB would round its digits
        score = col(plan.name("score"))
        return and_(ok, exp.EQ(this=score, expression=fn("trunc", score.copy())))

    def records_query(self, plan: Plan, tail: bytes, separator: str | None = None) -> str:
        """line, the record, and the code the run counts (NULL for a row to take the ordinary
        way, whose record is not used). The record is a clientcheck.result/2 line (jsonl), or
        with a separator a row of cells (csv, tsv: row())."""
        fast = self.written(plan, separator)
        record = self.row(plan, separator) if separator is not None else self.record(plan, tail)
        # what the run counts for its summary and exit code (--fail-on-reachable reads the worst):
        # 9 * verdict + 3 * worst + best by their index in VERDICTS, as batch.Runner.verdicts
        steps = [plan.step(col(plan.name(word))) for word in ("verdict", "worst", "best")]
        code = add([exp.Mul(this=lit(9), expression=steps[0]), exp.Mul(this=lit(3), expression=steps[1])], steps[2])
        outs: list[exp.Expression] = [
            col("line"),
            # every row's record: a CASE around it cost more than the few rows it spares
            alias(record, "record"),
            alias(case([(fast, code)]), "code"),
        ]
        return plan.query(outs).sql(dialect="duckdb", copy=False)

    def leftovers_query(self, plan: Plan, raw: Sequence[str], separator: str | None = None) -> str:
        """line and the answers as read (one struct; `raw` names the columns) of the rows the
        records query leaves to the ordinary way (a Parquet file's), in file order. A query of
        their own, not a column of the records query: there it cost DuckDB 0.5 s a million
        rows, though few rows, often none, need it; here only the checks run."""
        answers = exp.Struct(expressions=[exp.PropertyEQ(this=ident(n), expression=col("cc_raw_" + n)) for n in raw])
        select = plan.query([col("line"), alias(answers, "cc_raw")])
        return select.where(not_(self.written(plan, separator)), copy=False).sql(dialect="duckdb", copy=False)

    # -- for --format csv and tsv: the row, written by DuckDB

    def row_plain(self, plan: Plan) -> exp.Expression:
        """Whether DuckDB may write a row of csv or tsv: the client's name is a cell those formats
        write as it is (no quotes, no escapes, not taken for a formula), and the score is whole
        (fmt.plain writes it without a point; DuckDB would round a fraction's digits)."""
        client, score = col(CLIENT_KEY), col(plan.name("score"))
        # what csv_out.writerow would quote and tsv escape, or spreadsheet_cell change
        odd = "^[" + "".join(f"\\x{{{ord(c):04x}}}" for c in FORMULA) + "]|["
        odd += "\\x{0000}-\\x{001f}\\x{007f}" + "".join(f"\\x{{{ord(c):04x}}}" for c in '",\\' + BIDI) + "]"
        plain = or_(is_null(client), not_(fn("regexp_matches", client.copy(), s(odd))))
        if not plan.integral():
            whole = exp.EQ(this=score.copy(), expression=fn("trunc", score.copy()))
            small = exp.LT(this=fn("abs", score.copy()), expression=lit(1 << 53))
            plain = and_(plain, whole, small)
        return plain

    def row(self, plan: Plan, separator: str) -> exp.Expression:
        """A row of render/csv_out's cells after the input's ($head), for the rows row_plain passes."""
        at = plan.chosen_index
        client, score = col(CLIENT_KEY), col(plan.name("score"))
        score_text: exp.Expression = exp.cast(score, "TEXT")
        if not plan.integral():
            score_text = exp.cast(exp.cast(score.copy(), "BIGINT"), "TEXT")
        cells: list[exp.Expression] = [
            exp.Coalesce(this=client.copy(), expressions=[s("")]),
            col(plan.name("verdict")),
            col(plan.name("best")),
            col(plan.name("worst")),
            case([(exp.EQ(this=col(plan.name("best")), expression=col(plan.name("worst"))), s("true"))], s("false")),
            score_text,
        ]
        for r, rule in enumerate(self.rules):
            pick = exp.Case(this=col(plan.name("ko", at[r])))
            for i, level in enumerate(rule.levels):
                pick = pick.when(lit(i + 1), s(cell(rule.kind, level.severity)), copy=False)
            cells.append(pick.when(lit(0), s(""), copy=False).else_(s(UNDECIDED), copy=False))  # NULL: undecided
        parts: list[exp.Expression] = [exp.cast(exp.Placeholder(this=HEAD), "TEXT"), exp.cast(col("line"), "TEXT")]
        for c in cells:
            parts += [s(separator), c]
        return concat(*parts, s("\n"))

    # -- for the other formats: rule outcomes, made into compiled.Result in Python

    def outcomes_query(self, plan: Plan, raw: Sequence[str] = ()) -> str:
        known, possible, lists = Asks(plan, "k"), Asks(plan, "x"), Lists(plan, "lk")
        outs: list[exp.Expression] = [
            col("line"),
            col("ok"),
            col(CLIENT_KEY),
            col(plan.name("verdict")),
            col(plan.name("score")),
            col(plan.name("best")),
            col(plan.name("worst")),
        ]
        for r, rule in enumerate(self.rules):
            at = plan.chosen_index[r]
            outs.append(col(plan.name("ko", at)))
            outs.append(col(plan.name("kt", at)))
            undecided = is_null(col(plan.name("ko", at)))
            outs.append(case([(undecided, self.asked(known, at, lists))]))
            opened = [case([(col(plan.name("kp", at, i)), lit(i))]) for i in range(len(rule.levels))]
            outs.append(case([(undecided.copy(), exp.Array(expressions=opened))]))
            # what could still happen: for the questions to ask next (evaluate._ask_next)
            x_undecided = is_null(col(plan.name("xo", at)))
            outs.append(col(plan.name("xo", at)))
            outs.append(case([(x_undecided, self.asked(possible, at, lists))]))
            opened = [case([(col(plan.name("xp", at, i)), lit(i))]) for i in range(len(rule.levels))]
            outs.append(case([(x_undecided.copy(), exp.Array(expressions=opened))]))
        ignored = [
            case([(col(plan.name("i", qid)), s(qid))])
            for qid, q in self.catalog.questions.items()
            if q.when is not None
        ]
        outs.append(concat_ws(ignored))
        for qid in self.catalog.questions:
            outs.append(plan.value(qid, "k"))
        for name in raw:
            # the answers as read: for the rows that take the ordinary way, or all (--format json)
            value = col("cc_raw_" + name)
            outs.append(value if self.all_raw else case([(not_(col("ok")), value)]))
        known.layer()
        possible.layer()
        lists.join()
        return plan.query(outs).sql(dialect="duckdb", copy=False)

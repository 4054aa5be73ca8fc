"""The scoring function's source: a catalog's questions and rules as one Python function.

Two modes share the code that writes rules. "first" reads and checks one client's answers (from
a dict, or from a msgspec record: decode.py) and gives a Result or, given a RecordFormat, the
client's JSON Lines record as bytes. "possible" is the verdict range's second pass
(evaluate.possible_env: an answer counts only where its question surely applies), as a Result.
For records, where the weights are whole, no threshold counts severities and no condition calls
known() (prepare), there is no second pass: a rule that reads a question with a `when` (the only
answers the range can drop), directly or through another question's `when`, is evaluated twice,
with and without the answers in doubt, only for a client who has such an answer for it
(_Compiler.both_ways); every other rule counts once for both. Elsewhere "possible" runs as the
second pass (_possible), and gives the client to the ordinary path where it cannot tell.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import keyword
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

import orjson

from clientcheck import functions, qtypes
from clientcheck.compiled.expr import (
    _calls_known,
    _env,
    _Expr,
    _Source,
    valued_names,
)
from clientcheck.compiled.result import FindingInfo, RecordFormat, Result, Unsupported
from clientcheck.compiled.rulecode import Acc, _RuleCode
from clientcheck.decode import RecordType, astuple
from clientcheck.model import CLIENT_KEY, VERDICTS, Catalog, Question, Rule

EXACT = 2.0**52  # sums of whole weights below this are exact in floats: their order cannot matter
_by_rank = attrgetter("rank")
_KNOWN: Acc = ("sr", "sg", "dh", "ch", "und", "xu")  # the totals of a rule counted once
_NAME = re.compile(r"(?<![.\w])[A-Za-z_]\w*")


def as_written(value: Any) -> Any:
    """A canonical answer as a decoded record holds it, for the checks that read records: a
    multiple choice as a list (shared by every call: the check makes a new value, never changes it),
    a date as YYYY-MM-DD."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


class _Bail(Exception):
    """A line the JSON Lines loop gives up: the ordinary path takes it (slow)."""


class _Compiler(_RuleCode):
    """Writes the scoring function. Three flavours: by default it returns a Result; given a
    RecordFormat, it returns (verdict index, the client's record as bytes), with the findings
    as bytes prepared once per rule level; given a msgspec reader too, it is the JSON Lines loop
    over the lines of a piece (header()): the path where every microsecond shows."""

    def __init__(
        self,
        catalog: Catalog,
        rules: Sequence[Rule],
        record: RecordFormat | None = None,
        mode: str = "first",
        reader: RecordType | None = None,
        filled: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(catalog, rules, record)
        self.filled = filled or {}  # the seller profile's answers, for what a record leaves out
        self.mode = mode  # first | possible (the module's docstring)
        self.possible = mode != "first"
        self.reader = reader  # the first pass reads a msgspec record of this type, not a dict
        if reader is not None:
            self.unset = reader.unset
        self.acc = _KNOWN
        self.gated: set[int] = set()  # rules evaluated both ways for records (prepare, both_ways)
        self.drop_bit: dict[str, int] = {}  # a question with a `when` -> its bit in unst
        self.src = _Source()
        self.local = {qid: f"v{i}" for qid, i in self.index.items()}
        self.finding_infos: list[FindingInfo] = []
        self.rank: dict[int, int] = {}
        self.counters: dict[str, str] = {}
        self.source = ""
        self.body = 0  # the JSON Lines loop: where the lines inside its try begin
        self.maybe_unset = set()

    # -- questions

    def question(self, q: Question, depth: int) -> None:
        """Read, check and canonicalise one answer into its local; bail out on anything unusual."""
        e = self.src.emit
        v = self.local[q.id]
        present = "True" if q.id in self.filled else f"{q.id!r} in d"  # a profile's answer is given
        if self.reader is not None:
            if q.id in self.filled:  # left out: the profile's answer (profile.apply), given as if the record held it
                native = q.id in self.reader.native  # checked by msgspec: canonical; else the check below reads it
                given = self.filled[q.id] if native else as_written(self.filled[q.id])
                e(depth, f"if {v} is _U: {v} = {self.src.const(given)}; m -= 1")
            # a field the line did not hold is UNSET; only a gated question needs to know it: the
            # rest of its lines go under the else, where it was given. m counts the fields the
            # line held (see header).
            if v not in self.maybe_unset:
                e(depth, f"if {v} is _U: {v} = None; m -= 1")
            else:
                e(depth, f"if {v} is _U: m -= 1")
            if q.when is not None and q.id not in self.filled:
                e(depth, "else:")
                depth += 1
                present = "True"
            if q.id not in self.reader.native:
                qtypes.of(q).python_check(q, v, depth, e, self.src.const)
            elif q.type == "multi":
                e(depth, f"if {v}.__class__ is str: {v} = frozenset(({v},))")
        elif not self.possible and q.id in self.filled:
            e(depth, f"{v} = get({q.id!r}, {self.src.const(as_written(self.filled[q.id]))})")
            qtypes.of(q).python_check(q, v, depth, e, self.src.const)
        elif not self.possible:
            e(depth, f"{v} = get({q.id!r})")
            qtypes.of(q).python_check(q, v, depth, e, self.src.const)
        if q.when is not None:
            # a `when` sees only the earlier answers that count, as in evaluate.effective
            earlier = list(self.catalog.questions)[: self.index[q.id]]
            gate = _Expr(self.src, {qid: self.local[qid] for qid in earlier})
            gate_false = gate.truth(q.when.tree, False)
            gate_true = gate.truth(q.when.tree, True)
            if self.possible:
                # evaluate.possible_env: an answer counts only where its question surely applies
                e(depth, f"if {v} is not None and not {gate_true}: {v} = None")
                return
            e(depth, f"if {gate_false}:" if present == "True" else f"if {present} and {gate_false}:")
            e(depth + 1, f"ign = (*ign, {q.id!r})")
            e(depth + 1, f"{v} = None")
            # an answer whose question may yet turn out not to apply counts now, but the verdict
            # range is worked out without it (evaluate.possible_env): a second pass does that, or
            # both_ways, which reads which answers are in doubt from their bits
            drop = f"unst += {self.drop_bit[q.id]}" if self.gated else "unst = True"
            e(depth, f"elif {v} is not None and not {gate_true}: {drop}")

    # -- rules

    def prepare(self) -> None:
        """What every mode needs to know about the catalog before writing a line."""
        # red flags are listed heaviest first, ties in rule order: a level's rank says where
        red_levels = [lv for r in self.rules if r.kind == "red-flag" for lv in r.levels]
        positions = {id(lv): i for i, lv in enumerate(red_levels)}
        ordered = sorted(red_levels, key=lambda lv: (-lv.weight, positions[id(lv)]))
        self.rank = {id(lv): i for i, lv in enumerate(ordered)}
        self.rank_severity = [lv.severity for lv in ordered]
        if any(r.refs for r in self.catalog.rules):
            raise Unsupported("fired()")
        levels = [lv for r in self.catalog.rules for lv in r.levels]
        # every weight at least 0: then the score only grows with red flags and falls with good signs
        self.monotone = all(lv.weight >= 0 for lv in levels) and all(
            sev.weight >= 0 for sev in self.catalog.policy.severities.values()
        )
        policy = self.catalog.policy
        counted = {s for th in (policy.decline_if, policy.caution_if) for s, _ in th.counts}
        self.counters = {sev: f"n{i}" for i, sev in enumerate(sorted(counted))}
        # For records, the rules that read a gated question are evaluated both ways (both_ways)
        # and the range's totals are the other rules' plus theirs: a different order of addition
        # than evaluate's, so only where sums are exact (whole weights), and without counting
        # thresholds (the totals there are counts by severity). known() of an answer the range
        # drops is undecided there: evaluate()'s to find.
        whole = all(float(lv.weight).is_integer() for lv in levels) and sum(abs(lv.weight) for lv in levels) < EXACT
        if self.record is not None and self.mode == "first" and not self.counters and whole:
            gated = {
                i
                for i, rule in enumerate(self.rules)
                if any(self.catalog.questions[n].when is not None for n in self.closure(rule))
            }
            # known() in a rule or in a `when` (the gates both_ways works out again): what the
            # range reads of an answer it drops is evaluate.possible_env's to say, not a p local's
            knowns = [lv.when.tree for i in gated for lv in self.rules[i].levels]
            knowns += [q.when.tree for q in self.catalog.questions.values() if q.when is not None]
            if not any(_calls_known(tree) for tree in knowns):
                self.gated = gated
                whens = [q.id for q in self.catalog.questions.values() if q.when is not None]
                self.drop_bit = {qid: 1 << i for i, qid in enumerate(whens)}
        questions = self.catalog.questions.values()
        # A yes/no answer the rules only test as yes/no reads a left-out one (UNSET) as they read
        # None: it needs no conversion (ask_key and runtime.miss know UNSET). Not where _possible,
        # the range pass both_ways stands in for, may be handed the answers.
        if self.reader is not None and (self.gated or all(q.when is None for q in questions)):
            trees = [lv.when.tree for r in self.rules for lv in r.levels]
            valued = valued_names([*trees, *(q.when.tree for q in questions if q.when is not None)])
            self.maybe_unset = {
                self.local[q.id]
                for q in questions
                if q.type == "yesno"
                and q.when is None
                and q.id not in self.filled
                and q.id in self.reader.native
                and q.id not in valued
            }
        pairs = sorted({(-lv.weight, i) for i, rule in enumerate(self.rules) for lv in rule.levels})
        self.und_rank = {pair: k for k, pair in enumerate(pairs)}

    def header(self, values: str) -> None:
        e = self.src.emit
        known = self.src.const(frozenset((*self.catalog.questions, CLIENT_KEY)))
        if self.mode == "possible":
            # the range's second pass takes the answers already checked, as the first left them
            e(0, f"def score({values}, today):")
            e(1, "cl = None; ign = (); unst = 0")
        elif self.reader is not None:
            # A piece of JSON Lines at a time, the loop in here: a call per client, with a frame
            # of a hundred locals made and cleared, cost as much as a fifth of the rules. A line
            # it gives up (_Bail, or what msgspec refuses) goes to slow(raw, line), in its place.
            e(0, "def score(lines, line, head, out, verdicts, slow, today=_today):")
            e(1, "for raw in lines:")
            e(2, "line += 1")
            e(2, "try:")
            self.body = len(self.src.lines)  # indented under the try when the function is done
            self.src.bail = "raise _Bail"
            e(1, f"cl, {values} = _fields(_decode(raw))")  # decode.record_type's order
            # m: the fields the line held, counted down as the answers are read (question()); the
            # colons of the line must be as many (after them). Fewer fields than colons: a
            # repeated key, or a colon inside a text (the dict path tells them apart). Counted
            # here, not by tuple.count(UNSET), whose == on every other value costs twice as much.
            e(1, f"m = {len(self.catalog.questions) + 1}")
            e(1, "if cl is _U: cl = None; m -= 1")
            e(1, "ign = (); unst = 0")
        else:
            e(0, "def score(d, head=b'', line=0, today=_today):")
            e(1, f"if not {known}.issuperset(d): return None")
            e(1, "get = d.get")
            e(1, f"cl = get({CLIENT_KEY!r})")
            e(1, "if cl is not None and cl.__class__ is not str: return None")
            e(1, "ign = (); unst = 0")
        for q in self.catalog.questions.values():
            self.question(q, 1)
        if self.reader is not None and self.mode != "possible":
            e(1, "if raw.count(b':') != m: raise _Bail")

    def build(self) -> Callable[..., Any]:
        e = self.src.emit
        self.prepare()
        values = ", ".join(self.local.values())
        self.header(values)
        split = bool(self.gated)
        e(1, "good = []; notes = []; und = []")
        e(1, "red = []")
        e(1, "sr = 0; sg = 0; dh = False; ch = False")
        e(1, "xur = 0; xug = 0; xud = False; xuc = False")
        if split:  # totals of the rules that read an answer the range drops: with it (b), without (c)
            e(1, "if unst:")
            e(2, "br = bg = xbr = xbg = cr = cg = xcr = xcg = 0")
            e(2, "bdh = bch = xbd = xbc = cdh = cch = xcd = xcc = False")
        for counter in self.counters.values():
            e(1, f"{counter} = 0")
        ex = _Expr(self.src, self.local)
        for index, rule in enumerate(self.rules):
            if index in self.gated:
                self.both_ways(rule, index, ex)
                continue
            self.acc = _KNOWN
            self.rule(rule, index, ex)
        for qid in sorted(ex.uses_known):
            # known() of an unanswered question may still change: the range is evaluate()'s to find
            e(1, f"if {self.local[qid]} is None: return None")
        depth = 1
        if split:
            # an answer the range drops: the verdict counts it (b), the range does not (c:
            # evaluate.possible_env), and the other rules count alike in both
            e(1, "if unst:")
            e(2, "s = (sr + br) - (sg + bg)")
            e(2, f"vi = {self.verdict_index('(dh or bdh)', '(ch or bch)', 's')}")
            e(2, "s2 = (sr + cr) - (sg + cg)")
            e(2, "wr = xur + xcr; wg = xug + xcg; wd = xud or xcd or dh or cdh; wc = xuc or xcc or ch or cch")
            self.range_of(2, "s2", "(dh or cdh)", "(ch or cch)")
            e(1, "else:")
            depth = 2
        e(depth, "s = sr - sg")
        # verdicts as their index in VERDICTS (go 0, caution 1, decline 2): vi, best bs, worst ws
        e(depth, f"vi = {self.verdict_index('dh', 'ch', 's', counted=True)}")
        # the range of what is known, from the open rules (as evaluate.verdict_range sums them)
        if self.counters:
            e(depth, "if und: bs, ws = _range(red, sr, sg, und)")
        else:
            e(depth, "if und:")
            e(depth + 1, "wr = xur; wg = xug; wd = xud or dh; wc = xuc or ch")
            self.range_of(depth + 1, "s", "dh", "ch")
        e(depth, "else: bs = ws = vi")
        if not split:
            # an answer whose question may not apply: the range is the second pass's (possible_env).
            # Knowing less never narrows a range, so with weights that are not negative a range that
            # is already go..decline stays so, and a record needs no second pass then.
            skip = self.record is not None and self.monotone
            e(1, "if unst and (bs or ws != 2):" if skip else "if unst:")
            e(2, f"pr = _possible({values}, today)")
            e(2, "if pr is None: return None")  # the range pass takes it no further: the ordinary path
            e(2, "bs = _vi[pr[11]]; ws = _vi[pr[12]]")
        return self.finish(self.output(values, "und", split))

    def verdict_index(self, declined: str, cautioned: str, score: str, counted: bool = False) -> str:
        """Policy.verdict as an expression giving the verdict's index: 2 (decline) when the decline
        test is met, else 1 when the caution test is, else 0. declined / cautioned: whether a red
        flag of a severity the test names fired; counted: the counting thresholds too (their
        counters; the range passes have none: a policy with them takes _range)."""
        policy = self.catalog.policy
        tests: list[str] = []
        for threshold, hit in ((policy.decline_if, declined), (policy.caution_if, cautioned)):
            test = [hit, *(f"{self.counters[sev]} >= {n}" for sev, n in threshold.counts if counted)]
            if threshold.min_score is not None:
                test.append(f"{score} >= {self.src.literal(threshold.min_score)}")
            tests.append(" or ".join(test))
        return f"(2 if {tests[0]} else 1 if {tests[1]} else 0)"

    def range_of(self, depth: int, s: str, dh: str, ch: str) -> None:
        """(bs, ws) without counting thresholds, from what the open rules add (wr, wd, wc) to the
        worst case and take off (wg) the best one: evaluate._totals' sums (add_part)."""
        e = self.src.emit
        e(depth, f"x = {s} - wg; bs = {self.verdict_index(dh, ch, 'x')}")
        e(depth, f"x = {s} + wr; ws = {self.verdict_index('wd', 'wc', 'x')}")

    def both_ways(self, rule: Rule, index: int, ex: _Expr) -> None:
        """A rule that reads a question with a `when`: when the client's answers leave none of its
        answers in doubt (unst has none of their bits), once, as any rule; else twice: with the
        answers as they are, for the verdict (b), and without those whose question may not apply,
        for the range (c: evaluate.possible_env, the p locals)."""
        e = self.src.emit
        closure = self.closure(rule)
        gated = [(q, q.when) for q in self.catalog.questions.values() if q.when is not None and q.id in closure]
        e(1, f"if unst & {sum(self.drop_bit[q.id] for q, _ in gated)}:")
        start = len(self.src.lines)
        names = dict(self.local)
        for q, when in gated:  # in the catalog's order: a `when` reads earlier answers, as they count here
            earlier = list(self.catalog.questions)[: self.index[q.id]]
            gate = _Expr(self.src, {qid: names[qid] for qid in earlier})
            p = f"p{self.index[q.id]}"
            e(1, f"{p} = {names[q.id]} if {names[q.id]} is not None and {gate.truth(when.tree, True)} else None")
            names[q.id] = p
        self.acc = ("br", "bg", "bdh", "bch", "und", "xb")
        self.rule(rule, index, ex)
        self.acc = ("cr", "cg", "cdh", "cch", "", "xc")
        self.rule(rule, index, _Expr(self.src, names))
        self.src.lines[start:] = ["    " + line for line in self.src.lines[start:]]
        e(1, "else:")
        start = len(self.src.lines)
        self.acc = _KNOWN
        self.rule(rule, index, ex)
        self.src.lines[start:] = ["    " + line for line in self.src.lines[start:]]

    def output(self, values: str, und: str, split: bool) -> dict[str, Any]:
        """The return statement of the first and "possible" modes, and the names it needs."""
        e = self.src.emit
        names: dict[str, Any] = {}
        if self.mode == "first" and not split:
            names["_possible"] = _Compiler(self.catalog, self.rules, mode="possible").build()
        if self.record is None:
            order = self.src.const((self.index, self.catalog.policy))
            e(1, "if len(red) > 1: red.sort(key=_rank)")
            e(1, f"return _result((cl, _V[vi], s, red, good, notes, und, ign, ({values},), {order},")
            e(2, "_asknext(und, pr) if unst else None, _V[bs], _V[ws]))")
            return {**names, "_result": partial(tuple.__new__, Result), "_rank": _by_rank}
        e(1, "red.sort()")  # most clients have several: a length test first costs more than it saves
        e(1, f"{und}.sort()")
        e(1, "c = 9 * vi + 3 * ws + bs")
        e(1, "n = _quick(cl)")
        e(1, "if not n.isascii(): n = _escape(n)")  # once per client: no call in the common case
        e(1, "out.append(_template % (" if self.reader is not None else "return (c, _template % (")
        e(2, "head, line, n, _verdicts[c], _num(s),")
        e(2, f"b','.join(map(_reds, red)), b','.join(good), b','.join(notes), b','.join(map(_unds, {und})),")
        e(2, "_num(ign) if ign else b'[]', _tail))")
        if self.reader is not None:
            e(1, "verdicts[c] += 1")
            self.src.lines[self.body :] = ["        " + line for line in self.src.lines[self.body :]]
            e(2, "except _refused:")
            e(3, "slow(raw, line)")
        names |= {
            "_reds": self.red_pieces.__getitem__,
            "_unds": self.shapes.__getitem__,
            "_num": orjson.dumps,  # numbers and question ids: nothing for escape_bidi_bytes to do
            "_template": self.record.template,
            "_tail": self.record.tail,
            "_quick": self.record.quick,
            "_escape": self.record.escape,
            "_second": itemgetter(1),
            "_verdicts": self.record.verdicts,
        }
        return names

    def finish(self, names: dict[str, Any]) -> Callable[..., Any]:
        """Compile the source written, with its constants and helpers."""
        namespace: dict[str, Any] = dict(self.src.consts)
        namespace.update(names)
        namespace.update(
            _miss=self.miss,
            _date=functions.parse_date,
            _cmp=functions.compare,
            _ar=functions.arith,
            _neg=functions.negate,
            _count=functions.count_values,
            _range=self.range,
            _V=VERDICTS,
            _vi={v: i for i, v in enumerate(VERDICTS)},
            _asknext=self.ask_next,
            _today=functions.today(),
            _env=_env,
        )
        if self.reader is not None:
            namespace.update(
                _U=self.reader.unset,
                _fields=astuple(),
                _decode=self.reader.decode,
                _Bail=_Bail,
                # TypeError: an unhashable answer; OverflowError: a number past a float
                _refused=(self.reader.error, _Bail, TypeError, OverflowError),
            )
        if self.reader is not None:
            # The JSON Lines loop reads its names (constants, helpers, builtins) as locals:
            # defaults of the function, bound once per piece. A global costs a dictionary version
            # check each time it is read; the loop reads a few dozen per client (2 % of its time).
            # A word inside a text literal matches too: one unused local more. Not a dunder
            # (a text "__debug__" would be a parameter Python refuses) nor a keyword.
            builtin = {n for n in vars(builtins) if not keyword.iskeyword(n) and not n.startswith("__")}
            known = {n for n in namespace if not n.startswith("__")} | builtin
            used = set(_NAME.findall("\n".join(self.src.lines[1:]))) & known
            self.src.lines[0] = self.src.lines[0].replace("):", "".join(f", {n}={n}" for n in sorted(used)) + "):", 1)
        self.source = "\n".join(self.src.lines) + "\n"
        exec(compile(self.source, "<clientcheck rules>", "exec"), namespace)  # source built from the checked trees
        fn: Callable[..., Any] = namespace["score"]
        return fn

"""Shell completion for bash, zsh and fish: the scripts, and the answers they ask for.

A script calls clientcheck back with _CLIENTCHECK_COMPLETE=<shell> and the command line up to the
cursor in _CLIENTCHECK_COMPLETE_LINE; `cli.main` sees the variable before anything else runs and
answers here: one line per candidate, `kind<TAB>value<TAB>help`, where kind is `plain` (a value to
offer), `file` or `dir` (let the shell complete a path). Commands, subcommands, options and choices
come from the command tree itself; rule ids, question ids and client names from the rules in
effect and the history database. Completion never writes anything and never fails loudly: a
broken rules file or database simply offers nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, NamedTuple

SHELLS = ("bash", "zsh", "fish")
ENV_SHELL = "_CLIENTCHECK_COMPLETE"
ENV_LINE = "_CLIENTCHECK_COMPLETE_LINE"


class Item(NamedTuple):
    value: str
    kind: str = "plain"  # plain | file | dir
    help: str = ""


# ---------------------------------------------------------------- the scripts

_BASH = r"""# clientcheck completion for bash; load it with: eval "$(clientcheck completion bash)"
_clientcheck_completion() {
    local IFS=$'\n' kind value cur="${COMP_WORDS[COMP_CWORD]}"
    [[ $cur == "=" ]] && cur=""
    COMPREPLY=()
    while IFS=$'\t' read -r kind value _; do
        case $kind in
            file) compopt -o filenames 2>/dev/null; COMPREPLY+=( $(compgen -f -- "$cur") ) ;;
            dir) compopt -o filenames 2>/dev/null; COMPREPLY+=( $(compgen -d -- "$cur") ) ;;
            plain) COMPREPLY+=( "$(printf '%q' "$value")" ) ;;  # a name with spaces stays one word
        esac
    done < <(_CLIENTCHECK_COMPLETE=bash _CLIENTCHECK_COMPLETE_LINE="${COMP_LINE:0:COMP_POINT}" \
             "${COMP_WORDS[0]}" 2>/dev/null)
    return 0
}
complete -F _clientcheck_completion clientcheck
"""

_ZSH = r"""#compdef clientcheck
# clientcheck completion for zsh; load it with: eval "$(clientcheck completion zsh)" (after compinit)
_clientcheck() {
    local -a described lines
    local line kind rest value help
    lines=("${(@f)$(_CLIENTCHECK_COMPLETE=zsh _CLIENTCHECK_COMPLETE_LINE="${BUFFER[1,CURSOR]}" \
                    ${words[1]} 2>/dev/null)}")
    for line in $lines; do
        kind=${line%%$'\t'*}; rest=${line#*$'\t'}; value=${rest%%$'\t'*}; help=${rest#*$'\t'}
        case $kind in
            file) _files; return ;;
            dir) _files -/; return ;;
            plain) described+=("${value//:/\\:}:${help}") ;;
        esac
    done
    (( ${#described} )) && _describe -t values clientcheck described
}
if (( $+functions[compdef] )); then
    compdef _clientcheck clientcheck
fi
"""

_FISH = r"""# clientcheck completion for fish; save it with:
#   clientcheck completion fish > ~/.config/fish/completions/clientcheck.fish
function __clientcheck_complete
    set -l cmd (commandline -opc)[1]
    set -l token (commandline -ct)
    _CLIENTCHECK_COMPLETE=fish _CLIENTCHECK_COMPLETE_LINE=(commandline -cp) $cmd 2>/dev/null | while read -l line
        set -l parts (string split \t -- $line)
        switch $parts[1]
            case file
                __fish_complete_path $token
            case dir
                __fish_complete_directories $token
            case plain
                printf '%s\t%s\n' $parts[2] $parts[3]
        end
    end
end
complete -c clientcheck -f -a '(__clientcheck_complete)'
"""

SCRIPTS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def script(shell: str) -> str:
    return SCRIPTS[shell]


def detect_shell(environ: dict[str, str] | None = None) -> str | None:
    """The user's shell from $SHELL, when it is one we have a script for."""
    env = os.environ if environ is None else environ
    name = Path(env.get("SHELL", "")).name
    return name if name in SHELLS else None


# ---------------------------------------------------------------- value completers


def _param(ctx: Any, name: str) -> Any:
    """A value given earlier on the command line (resilient parsing keeps them), or None."""
    while ctx is not None:
        value = ctx.params.get(name)
        if value is not None:
            return value
        ctx = ctx.parent
    return None


def _catalog(ctx: Any) -> Any:
    from clientcheck.cli import load_catalog_for

    rules, questions = _param(ctx, "rules"), _param(ctx, "questions")
    return load_catalog_for(Path(rules) if rules else None, Path(questions) if questions else None)


def _matching(pairs: Iterable[tuple[str, str]], incomplete: str, comma_list: bool = False) -> list[tuple[str, str]]:
    """(value, help) for the ids starting with what is typed; in a comma list, its last item."""
    head, typed = "", incomplete
    if comma_list and "," in incomplete:
        head, _, typed = incomplete.rpartition(",")
        head += ","
    taken = set(head.split(",")) if head else set()
    return [(head + value, help) for value, help in pairs if value.startswith(typed) and value not in taken]


def _lang(ctx: Any) -> str:
    from clientcheck.i18n import detect_language

    return detect_language(_param(ctx, "lang"))


def _rule_ids(ctx: Any, incomplete: str, comma_list: bool) -> list[tuple[str, str]]:
    catalog, lang = _catalog(ctx), _lang(ctx)
    return _matching(((r.id, r.title.get(lang)) for r in catalog.rules), incomplete, comma_list)


def _question_ids(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    catalog, lang = _catalog(ctx), _lang(ctx)
    return _matching(((q.id, q.text.get(lang)) for q in catalog.questions.values()), incomplete)


def _history_rows(ctx: Any, queries: Iterable[str]) -> list[tuple[Any, ...]]:
    """Rows of the history database, opened read-only: completion must never create or migrate it.
    A query on a table an older database lacks gives nothing."""
    import sqlite3

    from clientcheck.history import resolve_path

    db = _param(ctx, "db")
    path = resolve_path(Path(db) if db else None)
    if not path.is_file():
        return []
    rows: list[tuple[Any, ...]] = []
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0.5)
    try:
        for query in queries:
            try:
                rows += conn.execute(query).fetchall()
            except sqlite3.Error:
                continue
    finally:
        conn.close()
    return rows


def _client_names(ctx: Any, incomplete: str) -> list[str]:
    queries = (f"SELECT client FROM {table} ORDER BY id DESC LIMIT 10000" for table in ("assessments", "payments"))
    names = dict.fromkeys(str(r[0]) for r in _history_rows(ctx, queries))
    return [n for n in sorted(names, key=str.casefold) if n.startswith(incomplete)]


MAX_NUMBERS = 500  # the newest assessments: enough to pick from, and one query of a few milliseconds


def _typed_before(ctx: Any, name: str) -> list[str]:
    """Values of argument `name` typed earlier on the line: resilient parsing may leave them unparsed."""
    value = _param(ctx, name)
    if value is not None:
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    return [str(a) for a in getattr(ctx, "args", [])]


def _assessment_numbers(ctx: Any, incomplete: str, client: str | None = None) -> list[tuple[str, str]]:
    """Assessment numbers, newest first, each with its client, day and verdict (as `history` lists
    them); with client, that client's only."""
    typed = incomplete.removeprefix("#")
    if typed and not typed.isdigit():
        return []
    query = f"SELECT id, client, created_at, verdict FROM assessments ORDER BY id DESC LIMIT {MAX_NUMBERS}"
    lang = _lang(ctx)
    from clientcheck.i18n import t

    return [
        (str(rid), f"{name} · {str(created)[:10]} · {t(lang, f'verdict.{verdict}')}")
        for rid, name, created, verdict in _history_rows(ctx, [query])
        if str(rid).startswith(typed) and (client is None or str(name).strip().casefold() == client.strip().casefold())
    ]


def _assessment_of_client(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """`outcome ACME --assessment`: ACME's assessments."""
    before = _typed_before(ctx, "client")
    return _assessment_numbers(ctx, incomplete, before[0] if before else None)


def _assessment_or_client(ctx: Any, incomplete: str) -> list[Any]:
    """`diff CLIENT` or `diff ID ID`: numbers once a digit is typed or after a number, names otherwise."""
    after_number = any(ref.isdigit() for ref in _typed_before(ctx, "refs"))
    if after_number or incomplete[:1].isdigit() or incomplete.startswith("#"):
        return list(_assessment_numbers(ctx, incomplete))
    return list(_client_names(ctx, incomplete))


def _assessment_or_file(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """`reply ANSWERS|ID`: numbers once a digit or # is typed (files when none matches), else files."""
    if incomplete[:1].isdigit() or incomplete.startswith("#"):
        return _assessment_numbers(ctx, incomplete)
    return []


def _quiet(fn: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """Errors (a broken rules file, a locked database) offer nothing rather than a traceback."""

    def complete(ctx: Any, incomplete: str) -> list[Any]:
        try:
            return fn(ctx, incomplete)
        except Exception:  # a convenience must never print a traceback into someone's prompt
            if os.environ.get("CLIENTCHECK_DEBUG"):
                raise
            return []

    complete.__name__ = fn.__name__
    return complete


# Typer's `autocompletion=` callbacks: (ctx, incomplete) -> [value or (value, help)]
RULE_ID = _quiet(lambda ctx, incomplete: _rule_ids(ctx, incomplete, False))
RULE_IDS = _quiet(lambda ctx, incomplete: _rule_ids(ctx, incomplete, True))  # comma-separated
QUESTION_ID = _quiet(_question_ids)
CLIENT = _quiet(_client_names)
ASSESSMENT = _quiet(_assessment_numbers)
ASSESSMENT_OF_CLIENT = _quiet(_assessment_of_client)
ASSESSMENT_OR_CLIENT = _quiet(_assessment_or_client)
ASSESSMENT_OR_FILE = _quiet(_assessment_or_file)
# arguments that name files though their type is str (- stands for standard input)
FILE_ARGUMENTS = {"inputs", "answers", "file", "source"}


# ---------------------------------------------------------------- answering the shell


def complete(words: list[str], incomplete: str) -> list[Item]:
    """Candidates for `incomplete`, after the words already typed (program name left out)."""
    import typer
    from typer._click.shell_completion import _resolve_context, _resolve_incomplete

    from clientcheck.cli import app, register

    register(words)  # the command's own module only, once its name is typed: each TAB starts a process
    command = typer.main.get_command(app)
    ctx = _resolve_context(command, {}, "clientcheck", list(words))
    obj, typed = _resolve_incomplete(ctx, list(words), incomplete)
    found = obj.shell_complete(ctx, typed)
    items = [Item(str(c.value), c.type, _one_line(c.help or "")) for c in found]
    if not items and (_is_path(obj) or getattr(obj, "name", None) in FILE_ARGUMENTS):
        # a file or folder to name: the shell lists them itself
        info = getattr(getattr(obj, "type_descriptor", None), "parameter_info", None)
        kind = "dir" if getattr(info, "file_okay", True) is False else "file"
        items = [Item(typed, kind)]
    return items


def _is_path(obj: Any) -> bool:
    desc = getattr(obj, "type_descriptor", None)
    return bool(desc is not None and desc.is_path)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:79] + "…"


def split_line(line: str) -> tuple[list[str], str]:
    """The words before the cursor (program name left out) and the word being typed."""
    from typer._click.shell_completion import split_arg_string

    words = split_arg_string(line)
    if not words:
        return [], ""
    if line[-1:].isspace():
        return words[1:], ""
    return words[1:-1], words[-1]


def respond(shell: str, line: str, out: IO[str] | None = None) -> int:
    """What the shell scripts call: candidates, one per line."""
    stream = sys.stdout if out is None else out
    if shell not in SHELLS:
        from clientcheck.errors import EXIT_USAGE

        return EXIT_USAGE
    words, incomplete = split_line(line)
    try:
        items = complete(words, incomplete)
    except Exception:
        if os.environ.get("CLIENTCHECK_DEBUG"):
            raise
        return 0
    for item in items:
        help = item.help.replace("\t", " ").replace("\n", " ")
        stream.write(f"{item.kind}\t{item.value}\t{help}\n")
    stream.flush()
    return 0

"""`clientcheck interview`: the live interview for a sales call.

Nothing at module level imports questionary or prompt_toolkit: this module is imported for
every command (it registers `interview` on the app), and `--help` and `check` must stay fast.
"""

from __future__ import annotations

import shlex
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from clientcheck.cli import (
    ColorMode,
    ColorOpt,
    DbOpt,
    FailOn,
    Format,
    Lang,
    LangOpt,
    NoSaveOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
    say_note,
)
from clientcheck.cliopts import client_option, format_option, profile_option, say
from clientcheck.commands.resume_options import options_line, resume_command, saved_state, started_with, state_line
from clientcheck.errors import ClientcheckError, InteractiveSessionError, Interrupted, UsageError
from clientcheck.i18n import preferred, t

if TYPE_CHECKING:
    from clientcheck.interview import Lines, Prompter
    from clientcheck.model import Answers, Catalog
    from clientcheck.profile import Profile
    from clientcheck.recovery import RecoveryFile
    from clientcheck.session import Session


def _stdin_is_terminal() -> bool:
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    # A host program (or a test) that already gave prompt_toolkit an input of its own: keys come
    # from there, never from our stdin. Without prompt_toolkit loaded there can be no such host,
    # and we refuse before paying for the import.
    if "prompt_toolkit.application.current" in sys.modules:
        from clientcheck.interview import has_host_input

        return has_host_input()
    return False


def initial_answers(
    catalog: Catalog,
    lang: str,
    answers: Path | None,
    resume: bool,
    resume_file: Path | None,
    client: str | None,
    profile: Profile | None = None,
) -> tuple[Answers, RecoveryFile | None, str | None]:
    """The answers the interview starts from, the recovery file to continue, and a line to show.

    The one place where the starting answers are built (from --answers or --resume) before the
    session starts; other sources of known answers belong here too. --client always wins over a
    name found in a file.
    """
    from clientcheck import recovery
    from clientcheck.answers import read_answers
    from clientcheck.model import Answers

    rec: RecoveryFile | None = None
    note: str | None = None
    if resume:
        path = resume_file or recovery.latest()
        if path is None:
            raise UsageError(t(lang, "interview.resume.none", dir=recovery.recovery_dir()))
        given = read_answers(str(path), catalog, lang=lang)
        rec = recovery.RecoveryFile.resume(path.absolute())
        note = t(lang, "interview.resumed", path=path, count=len(given.values))
    elif answers is not None:
        given = read_answers(str(answers), catalog, lang=lang)
        note = t(lang, "interview.prefilled", path=answers, count=len(given.values))
    else:
        given = Answers({}, None, "<interview>")
    if client is not None:
        given = given._replace(client=client)
    from clientcheck.profile import apply

    return apply(given, profile), rec, note


@app.command()
def interview(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE", help="With --resume: the recovery file to continue (default: the latest).", dir_okay=False
        ),
    ] = None,
    client: Annotated[
        str | None,
        client_option(
            "The client's name, kept with the answers; their history fills in what it knows, "
            "and the assessment is saved (see docs/history.md)."
        ),
    ] = None,
    db: DbOpt = None,
    no_save: NoSaveOpt = False,
    lang: LangOpt = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", help="Prefill from this answers file; only what is missing is asked.", dir_okay=False
        ),
    ] = None,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Also write the answers to this file (YAML; JSON if it ends in .json) for `clientcheck check`.",
            dir_okay=False,
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted interview: the latest one, or the FILE given."),
    ] = False,
    fmt: Annotated[Format, format_option("Output format of the verdict.")] = Format.table,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest verdict that makes the exit code 1.", metavar="VERDICT")
    ] = FailOn.decline,
    reply: Annotated[
        bool,
        typer.Option("--reply", help="After the verdict, also print a letter to the client (as 'clientcheck reply')."),
    ] = False,
    color: ColorOpt = ColorMode.auto,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    profile: Annotated[
        str | None,
        profile_option(
            "The seller profile to use (default: $CLIENTCHECK_PROFILE, else 'default'); see `clientcheck profile`."
        ),
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Finish by itself as soon as no answer to come can change the verdict.")
    ] = False,
    in_order: Annotated[
        bool,
        typer.Option(
            "--in-order", help="Ask in the questions files' order, not the order that settles the verdict soonest."
        ),
    ] = False,
    quiet: QuietOpt = False,
) -> int:
    """Interview a client on a call, then show the verdict.

    Keys: Ctrl-B goes back, ? or F1 shows help, Ctrl-C stops (answers are kept; resume with
    --resume). Prompts draw on the terminal (stderr); the verdict goes to stdout.
    """
    if resume and (lang is None or save is None or profile is None):
        # a bare --resume continues with the options the interview was started with
        lang, save, profile, quick, in_order = started_with(file, lang, save, profile, quick, in_order)
    code = language_for(lang)
    if not _stdin_is_terminal():
        raise InteractiveSessionError(t(code, "interview.not_a_terminal"))
    if file is not None and not resume:
        raise UsageError(t(code, "interview.resume.file_without_flag", file=shlex.quote(str(file))))
    if resume and answers is not None:
        raise UsageError(t(code, "interview.resume.with_answers"))
    if reply and fmt is not Format.table:
        raise UsageError(t(code, "reply.interview_format"))
    if save is not None and not save.absolute().parent.is_dir():
        raise UsageError(t(code, "interview.save.no_dir", path=save, dir=save.absolute().parent))

    from clientcheck.interview import Lines, Prompter, prompt_stream, terminal

    stream = prompt_stream()
    # one terminal session for every prompt: the name, the questions, the note
    with terminal(stream):
        early = client is None and answers is None and not resume
        if early:
            # the name first, before the rules, the profile and the session are loaded: the
            # first prompt is on screen sooner, and the loading happens after one Enter
            preload = _Preload(rules, questions)
            client = _ask_client(Lines(code, stream), code, preload.start)
            catalog = preload.catalog()
        else:
            catalog = load_catalog_for(rules, questions)
        from clientcheck import profile as profiles
        from clientcheck.recovery import RecoveryFile, recovery_dir, write_answers
        from clientcheck.session import Session

        seller = profiles.load_for(catalog, profile)
        given, rec, note = initial_answers(catalog, code, answers, resume, file, client, seller)
        catalog = profiles.with_currency(catalog, given.values)
        prompter = Prompter(catalog, code, stream)
        if not early and client is None and given.client is None and not resume:  # --answers without a name
            client = _ask_client(prompter, code)
            if client is not None:
                given = given._replace(client=client)
        facts = None
        # a client named with --client or at the first prompt (or, when resuming, the name the
        # interview was started with): the payment log fills in what it knows and the assessment
        # is saved. A `client:` key in an --answers file only names the client in the output, as
        # it does for `check`.
        named = client if client is not None else (given.client if resume else None)
        if named is not None and client is None:
            # a name read back from a recovery file: one the history cannot take must not make the
            # interview impossible to resume; it goes on without the history, and says why
            from clientcheck.history import ClientNameError, check_client_name

            try:
                check_client_name(named)
            except ClientNameError as exc:
                say(f"clientcheck: {t(code, 'interview.resume.bad_client', reason=exc.reason)}")
                named = None
        if named is not None:
            from clientcheck.history import prefill

            before = given
            given, facts = prefill(catalog, named, db, given)
            given = given._replace(note=before.note, profile=before.profile)
        try:
            rec = rec or RecoveryFile.new(given.client)
        except OSError as exc:
            raise InteractiveSessionError(
                t(code, "interview.autosave.failed", dir=recovery_dir(), reason=exc.strerror or exc)
            ) from None
        from clientcheck.adaptive import Chooser

        chooser = None if in_order else Chooser(catalog)
        # with a profile, questions about the seller are never asked: what it leaves out stays unknown
        never = frozenset(q.id for q in catalog.questions.values() if q.seller) if seller is not None else frozenset()
        session = Session(
            catalog, given.values, given.client, chooser=chooser, note=given.note, profile=given.profile, never=never
        )
        if resume:
            # where the paused run stood; a file without it (older, or the user's own) counts as
            # answered in its order, so Ctrl-B can still walk back into it
            state = saved_state(rec.path) if resume else None
            session.restore(state if state is not None else {"asked": list(session.values)})
        # --lang before the command reaches here only through the preference: the resume line keeps it too
        chosen = preferred()
        asked = lang if lang is not None else (Lang(chosen) if chosen else None)
        continue_with = resume_command(
            rec.path, asked, fmt, fail_on, save, rules, questions, db, no_save, given.profile, quick, in_order, reply
        )
        header = (
            t(code, "interview.recovery.header", command=continue_with)
            + "\n"
            + options_line(code, save, given.profile, quick, in_order)
        )
        warned = [False]

        def autosave(s: Session) -> None:
            try:
                rec.save(s.to_mapping(), header + "\n" + state_line(s.state()))
            except OSError as exc:
                if not warned[0]:
                    warned[0] = True
                    say(t(code, "interview.autosave.lost", reason=exc.strerror or exc))

        # from the first write on, a Ctrl-C ends in _interrupted, which removes a file without answers:
        # an empty file left behind would be the newest, and a bare --resume would pick it
        try:
            # the first write proves the folder is writable before anyone types an answer
            try:
                rec.save(session.to_mapping(), header + "\n" + state_line(session.state()))
            except OSError as exc:
                raise InteractiveSessionError(
                    t(code, "interview.autosave.failed", dir=rec.path.parent, reason=exc.strerror or exc)
                ) from None
            if note:
                prompter.write(note)
            if facts is not None:
                from clientcheck.render.history_text import describe_facts

                from_history = describe_facts(facts, code)
                if from_history:
                    prompter.write(from_history)
            if seller is None and any(q.seller and q.id not in session.values for q in catalog.questions.values()):
                prompter.write(t(code, "profile.none.hint"), "2")
            elif seller is not None:
                from clientcheck.render.names import profile_missing

                missing = [q for q in catalog.questions.values() if q.seller and q.id not in session.values]
                if missing:
                    prompter.write(profile_missing(code, seller.name, missing), "2")
            # the payment log, an answers file or a resumed interview may already mean decline: say
            # why before the first question (and before the offer to finish), as after an answer
            _known_flags(prompter, session, quick)
            prompter.run(session, autosave, quick=quick)
        except (KeyboardInterrupt, EOFError):
            return _interrupted(session, rec, code, continue_with, autosave)

    final = session.answers()
    if facts is not None:  # say which answers still hold what the client's history told us
        from clientcheck.history import still_from_history

        final = final._replace(from_history=still_from_history(final, facts))
    if facts is not None and not no_save:  # a named client: into the history, before the recovery file goes
        from clientcheck.commands.client_history import remember
        from clientcheck.errors import ClientcheckError
        from clientcheck.evaluate import evaluate

        try:
            remember(evaluate(catalog, final), catalog, code, facts.client, db, facts)
        except ClientcheckError as exc:
            # the verdict is still shown, and the answers stay in the recovery file, which is named
            _verdict(catalog, final, code, fmt, fail_on, color.value, session)
            say(f"clientcheck: {t(code, 'error')}: {exc}")
            again = shlex.join(["clientcheck", "check", str(rec.path), "--client", facts.client])
            say(f"clientcheck: {t(code, 'interview.history_failed', path=rec.path, command=again)}")
            return exc.exit_code
    if save is not None:
        try:
            write_answers(save, session.to_mapping())
        except OSError as exc:
            raise UsageError(
                t(code, "interview.save.failed", path=save, reason=exc.strerror or exc, recovery=rec.path)
            ) from None
        say_note(t(code, "interview.saved", path=shlex.quote(str(save))))
    try:
        kept = rec.finish(keep=save is None)
    except OSError:
        kept = rec.path  # could not rename or remove it: the answers simply stay where they are
    if kept is not None and save is None:
        say_note(t(code, "interview.kept", path=kept))
    exit_code = _verdict(catalog, final, code, fmt, fail_on, color.value, session)
    if reply:  # issue 16: the letter, after the verdict it speaks for
        from clientcheck.commands.reply import write_reply
        from clientcheck.evaluate import evaluate
        from clientcheck.render.plain import out

        out()
        write_reply(evaluate(catalog, final), catalog, code, "text")
    return exit_code


class _Preload:
    """The rules and the code the interview needs next, loaded while the client's name is typed.

    Started once the name prompt is on screen, so it does not delay it; the user's typing leaves
    the processor idle most of the time. An error (a broken rules file) is raised where the
    catalog is asked for, after the name, as it would have been before it.
    """

    def __init__(self, rules: Path | None, questions: Path | None) -> None:
        self.rules, self.questions = rules, questions
        self._thread: threading.Thread | None = None
        self._catalog: Catalog | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="clientcheck-preload", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            import clientcheck.adaptive
            import clientcheck.history
            import clientcheck.profile
            import clientcheck.recovery
            import clientcheck.session  # noqa: F401

            self._catalog = load_catalog_for(self.rules, self.questions)
        except BaseException as exc:  # handed to the main thread, which raises it
            self._error = exc

    def catalog(self) -> Catalog:
        if self._thread is None:
            return load_catalog_for(self.rules, self.questions)
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._catalog is not None  # _run sets one or the other
        return self._catalog


def _ask_client(prompter: Lines, code: str, shown: Callable[[], None] | None = None) -> str | None:
    """No --client: ask for the name (Enter skips). A name makes the history fill in and keep the assessment."""
    said = False
    while True:
        try:
            name = prompter.line(
                t(code, "interview.client.ask"),
                t(code, "interview.client.header"),
                t(code, "interview.client.hint"),
                shown=shown,
            )
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(t(code, "interview.interrupted.empty")) from None
        if isinstance(name, str):
            break
        # Ctrl-B: the name is the first question, so there is nothing before it (said once, as there)
        if not said:
            said = True
            prompter.write(t(code, "interview.first_question"), "33")
    if not name:
        return None
    from clientcheck.history import check_client_name

    try:
        name = check_client_name(name)
    except ClientcheckError as exc:
        prompter.write(t(code, "interview.client.bad", reason=exc.message), "33")
        return None
    prompter.write(f"✔ {t(code, 'client')}: {name}")
    return name


def _known_flags(prompter: Prompter, session: Session, quick: bool) -> None:
    """Decline-level red flags that the answers known before the first question already raise."""
    # as the interview's first step will see it: --in-order without --quick never stops to offer
    stops = prompter.stops(session, offered=session.chooser is None and not quick)
    for finding in session.raised_flags():
        prompter.flag(session, finding, stops, quick)


def _interrupted(
    session: Session,
    rec: RecoveryFile,
    code: str,
    command: str,
    autosave: Callable[[Session], None],
) -> NoReturn:
    if session.answered() == 0 and rec.owned:
        rec.finish(keep=False)
        raise Interrupted(t(code, "interview.interrupted.empty"))
    autosave(session)  # Ctrl-C may land between an answer and its autosave
    n = session.answered()
    said = t(code, "interview.interrupted", count=n, path=rec.path, command=command)
    raise Interrupted(said, kept=n, path=str(rec.path), resume=command)


def _verdict(
    catalog: Catalog,
    given: Answers,
    lang: str,
    fmt: Format,
    fail_on: FailOn,
    color: str = "auto",
    session: Session | None = None,
) -> int:
    """The verdict exactly as `check` prints it; in a table, then what would settle it."""
    from clientcheck.evaluate import evaluate
    from clientcheck.profile import with_currency
    from clientcheck.render import get as get_renderer

    # amounts in the currency the answers name, also when it was answered during the interview
    catalog = with_currency(catalog, given.values)
    verdict = evaluate(catalog, given)
    if fmt is Format.table:
        from clientcheck.terminal import rich_color, use_color

        with rich_color(use_color(color, sys.stdout)):
            get_renderer(fmt.value)(verdict, catalog, lang, sys.stdout)
            if session is not None:
                from clientcheck.render.table import render_settle

                render_settle(verdict, catalog, lang, _to_settle(session, given), sys.stdout)
    else:
        get_renderer(fmt.value)(verdict, catalog, lang, sys.stdout)
    sys.stdout.flush()
    return verdict.exit_code(fail_on.value)


SETTLE_SHOWN = 3  # a live call has room for a few more questions, not a list


def _to_settle(session: Session, given: Answers) -> list[str]:
    """The few questions still open (unasked or "don't know") whose answers narrow the range most."""
    from clientcheck.adaptive import Chooser
    from clientcheck.model import UNKNOWN

    if session.verdict().settled:
        return []
    open_ids = [qid for qid in session.plan() if given.values.get(qid, UNKNOWN) is UNKNOWN]
    chooser = session.chooser or Chooser(session.catalog)
    ranked = chooser.scores(given, open_ids)
    return [qid for qid, worth in ranked if worth > 0][:SETTLE_SHOWN]

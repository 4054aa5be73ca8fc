"""The English texts, one module per area; `clientcheck.i18n` imports this package
the first time English is asked for.

A new text goes into the area of its topic, in en/ and ru/ alike, as a block at the end of that
module's STRINGS opened by `# issue N: topic`: core (the verdict, the interview, the profile,
history, batches, the rules commands), commandline (help, completion, config, questions, Click's
errors), replies (`reply`), outcomes (`outcome`, `report`), loading (rules and questions files).
A topic that fits none gets its own module here and in ru/, merged below; every module stays
under 500 lines (tests/test_i18n.py checks both, and that no key is in two areas)."""

from __future__ import annotations

from clientcheck.i18n.en import commandline, core, loading, outcomes, replies

STRINGS: dict[str, str] = {
    **core.STRINGS,
    **commandline.STRINGS,
    **replies.STRINGS,
    **outcomes.STRINGS,
    **loading.STRINGS,
}

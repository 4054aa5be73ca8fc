"""The Russian texts, one module per area; `clientcheck.i18n` imports this package
the first time Russian is asked for."""

from __future__ import annotations

from clientcheck.i18n.ru import commandline, core, loading, outcomes, replies

STRINGS: dict[str, str] = {
    **core.STRINGS,
    **commandline.STRINGS,
    **replies.STRINGS,
    **outcomes.STRINGS,
    **loading.STRINGS,
}

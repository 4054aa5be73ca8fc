"""English texts: evidence and the letter to the client (`reply`)."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "reasons.ruled_out": "earlier level ruled out by",
    "reasons.also": "also true",
    "reasons.to_client": "To the client",
    "reply.greeting": "Hello,",
    "reply.decline.opening": "Thank you for thinking of us for this project. We have looked at it carefully and, as things stand, we can't take it on. We'd rather tell you so now, and why, than let you down later.",
    "reply.decline.opening.plain": "Thank you for thinking of us for this project. We have looked at it carefully and, as things stand, we can't take it on.",
    "reply.decline.why": "Here is why:",
    "reply.decline.offer": "What we can offer instead:",
    "reply.decline.closing": "Thank you for understanding. If anything changes, we'll be glad to talk again.",
    "reply.caution.opening": "Thank you for the project: we'd be glad to take it on.",
    "reply.caution.terms": "So that the work goes well for both sides, here is what we propose:",
    "reply.caution.closing": "If this suits you, let us know and we'll get started.",
    "reply.go.opening": "Thank you for the project: we'd be glad to take it on.",
    "reply.go.terms": "Before we start, we'd like to agree on this:",
    "reply.go.closing": "We look forward to working with you.",
    "reply.steps": "Next steps:",
    "reply.steps.default": "We'll send you a proposal with the scope, the timeline and the price.",
    "reply.signoff": "Best regards,",
    "reply.bullet": "- ",
    "reply.left_out": "left out of the letter (no client_reason or client_offer in the rules): {ids}",
    "reply.unsettled": "the verdict is not settled (unknown answers could still make it anything from {best} to {worst}): the letter says only what is known; clientcheck check shows what to ask",
    "rules.explain.kept": "kept from firing by: {answers}",
    "rules.explain.kept_above": "the earlier levels were ruled out by: {answers}",
    "rules.show.to_client": "To the client:",
    "lint.no_reply": "rule '{id}' has no client_reason or client_offer: clientcheck reply leaves it out of letters",
    "lint.no_reply_levels": "level(s) {levels} of rule '{id}' have no client_reason or client_offer, nor does the rule: clientcheck reply leaves them out of letters",
    "reply.client_with_id": "--client goes with an answers file; a saved assessment already names its client",
    "reply.interview_format": "--reply prints the letter after the verdict table; with --format json, use: clientcheck reply on the saved answers",
}

"""Russian texts: evidence and the letter to the client (`reply`)."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "reasons.ruled_out": "уровень выше не сработал из-за",
    "reasons.also": "также верно",
    "reasons.to_client": "Клиенту",
    "reply.greeting": "Здравствуйте!",
    "reply.decline.opening": "Спасибо, что обратились к нам с этим проектом. Мы внимательно его изучили и, к сожалению, на текущих условиях взяться за него не можем. Лучше честно сказать об этом сразу и объяснить почему, чем подвести вас потом.",
    "reply.decline.opening.plain": "Спасибо, что обратились к нам с этим проектом. Мы внимательно его изучили и, к сожалению, на текущих условиях взяться за него не можем.",
    "reply.decline.why": "Причины такие:",
    "reply.decline.offer": "Что мы можем предложить:",
    "reply.decline.closing": "Спасибо за понимание. Если что-то изменится, будем рады вернуться к разговору.",
    "reply.caution.opening": "Спасибо за проект — мы будем рады за него взяться.",
    "reply.caution.terms": "Чтобы работа шла хорошо для обеих сторон, предлагаем следующее:",
    "reply.caution.closing": "Если вас всё устраивает, дайте знать, и мы приступим.",
    "reply.go.opening": "Спасибо за проект — мы будем рады за него взяться.",
    "reply.go.terms": "Перед стартом хотим договориться вот о чём:",
    "reply.go.closing": "Будем рады работать вместе.",
    "reply.steps": "Дальнейшие шаги:",
    "reply.steps.default": "Пришлём предложение с объёмом работ, сроками и ценой.",
    "reply.signoff": "С уважением,",
    "reply.bullet": "— ",
    "reply.left_out": "в письмо не вошли правила без client_reason и client_offer: {ids}",
    "reply.unsettled": "вердикт ещё не окончательный (неизвестные ответы могут сделать его любым от {best} до {worst}): в письме только то, что уже известно, а что спросить, покажет clientcheck check",
    "rules.explain.kept": "не сработало из-за ответов: {answers}",
    "rules.explain.kept_above": "уровни выше исключены ответами: {answers}",
    "rules.show.to_client": "Клиенту:",
    "lint.no_reply": "у правила «{id}» нет client_reason и client_offer: clientcheck reply не включит его в письмо",
    "lint.no_reply_levels": "у уровней {levels} правила «{id}» (и у самого правила) нет client_reason и client_offer: clientcheck reply не включит их в письмо",
    "reply.client_with_id": "--client указывают вместе с файлом ответов; в сохранённой оценке клиент уже назван",
    "reply.interview_format": "--reply печатает письмо после таблицы вердикта; для --format json используйте clientcheck reply с сохранёнными ответами",
}

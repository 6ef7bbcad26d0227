"""The agreement's rules on each message of the request workflow, one function per message kind.

Each runs twice: when this node sends the message (services._emit, on the payload as it will
travel, before it is queued) and when the other node's copy arrives (inbox, before anything is
stored). The peer is held to the treaty exactly as this node holds itself. A rule takes the
agreement's profile, the payload as JSON and the case it belongs to (None for a message that
opens one), and raises Invalid naming the payload member and the article. Which moves a message
may make in which state is the transitions table's (actions/), not a rule's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from migrex.agreements.profile import Profile
from migrex.cases import validation
from migrex.cases.models import Case
from migrex.core.errors import Invalid, MigrexError, error, invalid

Rule = Callable[[Profile, dict, "Case | None"], None]


def request(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """`request` and `spontaneous`: the content of Art. 9.2, the topics of Art. 3 and the persons
    of Art. 5 and 6."""
    validation.check_content(profile, payload, payload.get("persons") or [])


def _text(article: str, ru: str, en: str) -> Rule:
    """The move's text is required: it is what the other party reads."""

    def rule(profile: Profile, payload: dict, case: Case | None = None) -> None:
        if not str(payload.get("text") or "").strip():
            raise invalid("text_required", f"Укажите {ru}.", f"State {en}.", article, "text")

    return rule


def answer(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 10.3: the result of the execution, and the persons it provides (Art. 5, 6)."""
    problems = _problems(
        _text("10.3", "результат исполнения запроса", "the result"), profile, payload
    )
    problems += _problems(_persons, profile, payload)
    if problems:
        raise Invalid(problems)


def refusal(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 10.4: grounds of the agreement's list and written reasons."""
    validation.check_refusal(profile, payload)


def partial_answer(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 10.3 and 10.4 at once: the part executed and the part refused."""
    problems = _problems(answer, profile, payload) + _problems(refusal, profile, payload)
    if problems:
        raise Invalid(problems)


def registered(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 10.1, 10.3: the requested side's number, and a period that ends after it began. The
    requesting side keeps its own clock from the receipt (deadlines.own_due_date); a date that
    differs is shown beside it, not refused."""
    problems = []
    if not str(payload.get("number") or "").strip():
        problems.append(
            error(
                "number_required",
                "Не указан регистрационный номер запроса.",
                "The registration number is missing.",
                "10.1",
                "number",
            )
        )
    if str(payload.get("due_date") or "") < str(payload.get("received_on") or ""):
        problems.append(
            error(
                "due_date_before_receipt",
                "Срок исполнения раньше даты получения.",
                "The due date is before the date of receipt.",
                "10.3",
                "due_date",
            )
        )
    if problems:
        raise Invalid(problems)


def postponed(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 10.2: execution is postponed for a reason (`text`), until a date (`until`) or on a
    condition (`condition`), at least one of the two; a date before the receipt is none."""
    problems = []
    if not str(payload.get("text") or "").strip():
        problems.append(
            error(
                "postponement_reason_required",
                "Укажите основание отсрочки.",
                "State the reason for postponing.",
                "10.2",
                "text",
            )
        )
    until = payload.get("until")
    if until in (None, "") and not str(payload.get("condition") or "").strip():
        problems.append(
            error(
                "postponement_term_required",
                "Укажите, до какой даты или до выполнения какого условия отложено исполнение.",
                "State until when, or on what condition, execution is postponed.",
                "10.2",
                "until",
            )
        )
    elif until not in (None, ""):
        try:
            day = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
        except ValueError:
            day = None
        received = case.received_on if case is not None else None
        if day is None or (received is not None and day < received):
            problems.append(
                error(
                    "postponement_until_invalid",
                    "Дата, до которой отложено исполнение, указана неверно.",
                    "The date execution is postponed until is not a date after the receipt.",
                    "10.2",
                    "until",
                )
            )
    if problems:
        raise Invalid(problems)


def confirmation(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 9.5: the confirmation says what it confirms and answers the question open on the
    case (`in_reply_to`: the message id of the `confirmation_request`)."""
    _text("9.5", "подтверждение", "the confirmation")(profile, payload, case)
    asked = None
    if case is not None:
        questions = case.events.filter(action__in=("ask_confirmation", "confirmation_request"))
        asked = questions.order_by("-at", "-id").values_list("message_id", flat=True).first()
    if asked is None or str(payload.get("in_reply_to")) != str(asked):
        raise invalid(
            "confirmation_not_asked",
            "Подтверждение не отвечает на запрос подтверждения по этому делу.",
            "The confirmation does not answer the request to confirm of this case.",
            "9.5",
            "in_reply_to",
        )


def forwarded(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Art. 2: a request is forwarded only to a competent authority under the agreement of the
    party that holds it."""
    party = case.requested_authority.party_id if case is not None else None
    if payload.get("authority") not in {a.code for a in profile.authorities_of(party)}:
        raise invalid(
            "unknown_authority",
            f"«{payload.get('authority')}» не является компетентным органом запрашиваемой "
            "Стороны по этому соглашению.",
            f"'{payload.get('authority')}' is not a competent authority of the requested party "
            "under this agreement.",
            "2",
            "authority",
        )


def attachments(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """The files a message carries (a request's, an answer's, a question's and the information
    given in reply): each is what its digest says (Art. 11.4), of a kind the agreement allows
    (Art. 6), not empty, and within the limits the sender is held to (validation.check_files)."""
    files = []
    for item in payload.get("attachments") or []:
        files.append({**item, "content": validation.received_file(item)})
    validation.check_files(profile, files)


def _persons(profile: Profile, payload: dict, case: Case | None = None) -> None:
    validation.clean_persons(payload.get("persons") or [], profile)


def _none(profile: Profile, payload: dict, case: Case | None = None) -> None:
    """The message carries nothing the agreement sets a rule on (a comment at most)."""


def _problems(rule: Rule, profile: Profile, payload: dict) -> list[MigrexError]:
    try:
        rule(profile, payload, None)
    except Invalid as exc:
        return list(exc.errors)
    return []


RULES: dict[str, Rule] = {
    "request": request,
    "spontaneous": request,
    "acknowledged": _none,
    "registered": registered,
    "information_requested": _text("10.1", "какие сведения нужны", "what information is needed"),
    "information": _text("10.1", "дополнительные сведения", "the information"),
    "obstacle": _text("10.1", "обстоятельства", "the circumstances"),
    "postponed": postponed,
    "resumed": _text("10.2", "сведения о возобновлении", "why execution resumes"),
    "conditions": _text("10.2", "условия исполнения", "the conditions"),
    "conditions_accepted": _none,
    "conditions_declined": _text("10.2", "причину отказа от условий", "why"),
    "confidentiality_impossible": _text(
        "11.1", "почему конфиденциальность невозможна", "why confidentiality cannot be kept"
    ),
    "proceed": _none,
    "answer": answer,
    "partial_answer": partial_answer,
    "refusal": refusal,
    "withdrawal": _text("8", "причину отзыва", "why the request is withdrawn"),
    "confirmation_request": _text("9.5", "в чём сомнение", "what is doubted"),
    "confirmation": confirmation,
    "forwarded": forwarded,
}


def check(kind: str, profile: Profile, payload: dict, case: Case | None = None) -> None:
    """Run the rule of message `kind` on `payload`; a kind without a rule is a programming error
    (every kind the workflow sends has one: a test holds the table and RULES together). The
    lengths of the written parts and the files attached are checked first, for every kind alike."""
    limits = {"text": validation.MAX_MOVE_TEXT, "condition": validation.MAX_CONDITION}
    for member, limit in limits.items():
        if len(str(payload.get(member) or "")) > limit:
            raise Invalid([validation.too_long(member, limit, "10")])
    if payload.get("attachments"):
        attachments(profile, payload, case)
    RULES[kind](profile, payload, case)

"""Agreement status and date rules (Art. 9.3, 10.3, 17), and the date checks of a profile.

Pure: no Django. Every function takes calendar dates; which party's local date to use is the
caller's choice (`local_date()` gives it), since the treaty counts days, not hours.

Counting follows the civil-law rule both parties use: a period runs from the day after the
event. So 30 days "с даты поступления" of a request received on 31 January end on 2 March,
and "по истечении 6 месяцев с даты получения" a notice received on 15 March ends at the end
of 15 September: the agreement is still in force that day and terminated from 16 September
(`rules.deadlines.termination.in_force_on_last_day: true`). A month without that day ends on
its last day (31 August + 6 months -> 28 February).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from migrex.agreements.schema_base import KeyPath
from migrex.agreements.schema_errors import RuleUnknownError
from migrex.agreements.schema_rules import TerminationPeriod

if TYPE_CHECKING:
    from migrex.agreements.profile import Profile


def add_months(d: date, n: int) -> date:
    """`d` plus `n` calendar months, clamped to the last day of a shorter month."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


class AgreementStatus(StrEnum):
    NOT_SIGNED = "not-signed"
    SIGNED = "signed"  # signed, not (yet) in force
    IN_FORCE = "in-force"
    TERMINATING = "terminating"  # a termination notice was received; still in force
    TERMINATED = "terminated"

    @property
    def label_ru(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    AgreementStatus.NOT_SIGNED: ("не подписано", "not signed"),
    AgreementStatus.SIGNED: ("подписано, не вступило в силу", "signed, not in force"),
    AgreementStatus.IN_FORCE: ("действует", "in force"),
    AgreementStatus.TERMINATING: ("прекращается", "terminating"),
    AgreementStatus.TERMINATED: ("прекращено", "terminated"),
}


def signature_date(profile: Profile) -> date:
    return next(e.date for e in profile.events if e.kind == "signature")


def entry_into_force(profile: Profile) -> date | None:
    """The stated entry into force; else the receipt of the last party's notification (Art. 17)
    when every party's notification is dated and the rule is known; else None (not in force)."""
    stated = [e.date for e in profile.events if e.kind == "entry-into-force"]
    return stated[0] if stated else _from_notifications(profile)


def _from_notifications(profile: Profile) -> date | None:
    try:
        rule = profile.rule("rules.deadlines.entry_into_force")
    except RuleUnknownError:
        return None  # counting from the notifications would be a guess
    received: dict[str, date] = {}
    for e in profile.events:
        if e.kind == "notification" and isinstance(e.date, date):
            received.setdefault(e.party, e.date)
    if set(received) != {p.code for p in profile.parties}:
        return None
    return max(received.values()) + timedelta(days=rule.days)


def termination_notice_received(profile: Profile) -> date | None:
    """Receipt of the first termination notice; the period runs from it (Art. 17)."""
    return min((e.date for e in profile.events if e.kind == "termination-notice"), default=None)


def _termination_rule(profile: Profile) -> TerminationPeriod | None:
    try:
        return profile.rule("rules.deadlines.termination")
    except RuleUnknownError:
        return None


def termination_date(profile: Profile) -> date | None:
    """The day the notice period expires: receipt of the first notice + `months` (Art. 17).

    With `in_force_on_last_day` (KZ-BY: "по истечении 6 месяцев") the agreement is still in
    force on this day and terminated from the next. None without a notice, or when the period
    is unknown: the agreement then stays TERMINATING rather than being guessed terminated.
    """
    received, rule = termination_notice_received(profile), _termination_rule(profile)
    if received is None or rule is None:
        return None
    return add_months(received, rule.months)


def last_day_in_force(profile: Profile) -> date | None:
    end, rule = termination_date(profile), _termination_rule(profile)
    if end is None or rule is None:
        return None
    return end if rule.in_force_on_last_day else end - timedelta(days=1)


def status_on(profile: Profile, on: date) -> AgreementStatus:
    if on < signature_date(profile):
        return AgreementStatus.NOT_SIGNED
    start = entry_into_force(profile)
    if start is None or on < start:
        return AgreementStatus.SIGNED
    notice = termination_notice_received(profile)
    if notice is None or on < notice:
        return AgreementStatus.IN_FORCE
    last = last_day_in_force(profile)
    if last is None or on <= last:
        return AgreementStatus.TERMINATING
    return AgreementStatus.TERMINATED


def is_in_force(profile: Profile, on: date) -> bool:
    """Whether exchange under the agreement is allowed on `on` (a terminating one still is)."""
    return status_on(profile, on) in (AgreementStatus.IN_FORCE, AgreementStatus.TERMINATING)


def signatory_list_due(profile: Profile) -> date | None:
    """Last day to exchange lists of signatories and form samples: entry into force + 45 days
    (Art. 9.3); None while not in force. RuleUnknownError if the period is unknown."""
    start = entry_into_force(profile)
    if start is None:
        return None
    rule = profile.rule("rules.deadlines.signatory_lists")
    return start + timedelta(days=rule.days)


class SignatoryDutyState(StrEnum):
    MET = "met"
    MET_LATE = "met-late"
    OVERDUE = "overdue"
    PENDING = "pending"
    NOT_APPLICABLE = "not-applicable"  # the agreement is not in force, so there is no duty yet


def signatory_duty_state(
    due: date | None, exchanged_on: date | None, today: date
) -> SignatoryDutyState:
    """One party's Art. 9.3 duty, given its due date and when it sent its lists (if it has)."""
    if due is None:
        return SignatoryDutyState.NOT_APPLICABLE
    if exchanged_on is not None:
        return SignatoryDutyState.MET if exchanged_on <= due else SignatoryDutyState.MET_LATE
    return SignatoryDutyState.OVERDUE if today > due else SignatoryDutyState.PENDING


def request_due_date(received: date, profile: Profile, paused_days: int = 0) -> date:
    """Last day to execute a request received on `received` (the requested party's local date):
    received + 30 calendar days under KZ-BY Art. 10.3, plus days the clock was paused.

    Pauses only exist if the profile lists them; KZ-BY has none, so any pause is an error.
    RuleUnknownError if the agreement's deadline is unknown.
    """
    rule = profile.rule("rules.deadlines.request_execution")
    if paused_days < 0:
        raise ValueError(f"paused_days must not be negative, got {paused_days}")
    if paused_days and not rule.pauses:
        raise ValueError(
            f"{profile.code}: the request deadline (Art. {rule.article}) cannot be paused; "
            f"got paused_days={paused_days}"
        )
    return received + timedelta(days=rule.days + paused_days)


def local_date(at: datetime, profile: Profile, party_code: str) -> date:
    """The calendar date of instant `at` in the party's time zone (deadlines are counted there)."""
    if at.tzinfo is None:
        raise ValueError("a naive datetime has no place in deadline arithmetic; give a time zone")
    return at.astimezone(ZoneInfo(profile.party(party_code).timezone)).date()


def end_of_day(day: date, profile: Profile, party_code: str) -> datetime:
    """The first instant after `day` in the party's time zone: a deadline `day` has passed then."""
    zone = ZoneInfo(profile.party(party_code).timezone)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


# --- date checks run when a profile is validated ------------------------------------------------


def date_problems(p: Profile) -> list[tuple[KeyPath, str]]:
    """Chronology of events (Art. 17) and of authority names (Art. 2), as (path, problem)."""
    return _event_problems(p) + _name_problems(p)


def _event_problems(p: Profile) -> list[tuple[KeyPath, str]]:
    out: list[tuple[KeyPath, str]] = []
    parties = [x.code for x in p.parties]
    events = p.events
    signatures = [i for i, e in enumerate(events) if e.kind == "signature"]
    signed = events[signatures[0]].date if signatures else None
    if not signatures:
        out.append((("events",), "no 'signature' event: an agreement's history starts with it"))
    elif signatures[0] != 0:
        out.append(
            (("events", 0), f"the first event must be the signature, not {events[0].kind!r}")
        )
    for i in signatures[1:]:
        problem = (
            f"a second signature (first at events.{signatures[0]}); a protocol is an 'amendment'"
        )
        out.append((("events", i, "kind"), problem))
    previous: tuple[int, date] | None = None
    notified: dict[str, int] = {}
    in_force_at: int | None = None
    for i, e in enumerate(events):
        at: KeyPath = ("events", i)
        party = getattr(e, "party", None)
        if party is not None and party not in parties:
            out.append(
                ((*at, "party"), f"unknown party {party!r} (parties are {', '.join(parties)})")
            )
        if not isinstance(e.date, date):
            if e.note is None:
                out.append((at, "missing required key 'note': an unknown date must say why"))
        elif signed is not None and e.date < signed and e.kind != "signature":
            out.append(((*at, "date"), f"{e.date} is before the signature ({signed})"))
        elif previous is not None and e.date < previous[1]:
            problem = (
                f"dated {previous[1]}, later than the next dated event events.{i} ({e.date}); "
                "list events in chronological order"
            )
            out.append((("events", previous[0]), problem))
        if isinstance(e.date, date):
            previous = (i, e.date)
        if e.kind == "notification":
            if party in notified:
                first = notified[party]
                problem = (
                    f"a second notification from {party} (first at events.{first}); "
                    "Art. 17 counts one per party"
                )
                out.append(((*at, "party"), problem))
            notified.setdefault(party, i)
        elif e.kind == "entry-into-force":
            if in_force_at is not None:
                out.append(
                    ((*at, "kind"), f"a second entry into force (first at events.{in_force_at})")
                )
            in_force_at = i if in_force_at is None else in_force_at
        elif (
            e.kind == "amendment"
            and isinstance(e.date, date)
            and isinstance(e.entry_into_force, date)
            and e.entry_into_force < e.date
        ):
            problem = f"before the protocol was signed ({e.date})"
            out.append(((*at, "entry_into_force"), problem))
    if in_force_at is not None:
        out += _in_force_problems(p, in_force_at, notified)
    if out:  # entry into force below is only meaningful on consistent events
        return out
    start = entry_into_force(p)
    for i, e in enumerate(events):
        if e.kind == "termination-notice" and start is None:
            problem = "a termination notice, but the agreement has not entered into force"
            out.append((("events", i), problem))
        elif e.kind == "termination-notice" and e.date < start:
            problem = f"received {e.date}, before entry into force ({start})"
            out.append((("events", i, "date"), problem))
    return out


def _in_force_problems(p: Profile, at: int, notified: dict[str, int]) -> list[tuple[KeyPath, str]]:
    """A stated entry into force against the notifications (Art. 17)."""
    start, path = p.events[at].date, ("events", at, "date")
    received = {party: p.events[i].date for party, i in notified.items()}
    for party, day in received.items():
        if isinstance(day, date) and day > start:
            problem = (
                f"{start} is earlier than the notification from {party} received {day} (Art. 17)"
            )
            return [(path, problem)]
    computed = _from_notifications(p)
    if computed is not None and computed != start:
        return [
            (path, f"the notifications put entry into force on {computed} (Art. 17), not {start}")
        ]
    return []


def _name_problems(p: Profile) -> list[tuple[KeyPath, str]]:
    out: list[tuple[KeyPath, str]] = []
    for i, authority in enumerate(p.authorities):
        previous = None
        for j, n in enumerate(authority.names):
            at: KeyPath = ("authorities", i, "names", j)
            if j and n.from_ is None:
                problem = "only the first name can date from the start; give the day this one began"
                out.append(((*at, "from"), problem))
            if n.from_ is not None and n.until is not None and n.until < n.from_:
                out.append(((*at, "until"), f"{n.until} is before 'from' ({n.from_})"))
            if previous is not None and n.from_ is not None:
                last = previous.until or previous.from_
                if last is not None and n.from_ <= last:
                    problem = (
                        f"{n.from_} overlaps the previous name ({last}); list names oldest first"
                    )
                    out.append(((*at, "from"), problem))
            previous = n
    return out

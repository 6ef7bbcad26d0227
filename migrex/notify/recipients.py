"""Who is told of what (read with migrex/accounts/roles.py and the workflow's declarations in
migrex/cases/actions/):

- A request or information without a request received (`request`, `spontaneous`), or forwarded
  to this authority by another of this party (`forward`, Art. 2; then only that is told, not the
  receipt by the first authority): the officers who take it in,
  i.e. who may register it, acknowledge it, forward it or ask for its confirmation: the
  operators and supervisors of the authority that now holds the case (the actors of `register`,
  `acknowledge` and `ask_confirmation` are OPERATOR and SUPERVISOR; signatories only sign
  outgoing requests and decide refusals, and see the request once it is registered).
- A message of the other party on a request this authority sent (a clarification asked,
  an answer, a refusal, a postponement, …: every event that came in on the requester's copy):
  the case's author, who drafted the request and provides the information asked for
  (`provide_information` is the operator's). An author who left the authority, or was switched
  off, is replaced by the authority's operators, so that nobody's reply goes unread.
- A message of the other party on a request this authority executes (information provided,
  the request confirmed or withdrawn, conditions accepted, …), and the reminders of the 30-day
  deadline (Art. 10.3): those who must answer: the assigned officer and the supervisors (who
  decide partial answers and refusals, Art. 10.4); when nobody is assigned, every operator and
  supervisor of the authority.

An officer is told only if active, with an e-mail address, and not having turned the mail off.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from migrex.accounts.roles import OPERATOR, SUPERVISOR
from migrex.cases.models import Case, CaseEvent
from migrex.cases.workflow import Side
from migrex.notify.models import Mode

TAKE_IN = frozenset({"request", "spontaneous", "forward"})


def officers(authority_id: int, *roles: str) -> QuerySet:
    """Active officers of the authority holding one of `roles`."""
    return (
        get_user_model()
        .objects.filter(authority_id=authority_id, is_active=True, groups__name__in=roles)
        .distinct()
    )


def reachable(users: QuerySet) -> QuerySet:
    """Those of `users` who get e-mail: an address, and not turned off."""
    return users.exclude(email="").exclude(notification_preference__mode=Mode.OFF)


def for_event(event: CaseEvent) -> QuerySet:
    """Who is told of `event` (none: an officer's own move, nothing to tell)."""
    case = event.case
    User = get_user_model()
    if event.action in TAKE_IN:
        if event.action != "forward" and case.events.filter(action="forward").exists():
            # Forwarded since (Art. 2): the authority that holds it now is told of that.
            return User.objects.none()
        return reachable(officers(case.owner_id, OPERATOR, SUPERVISOR))
    if event.direction != "in":
        return User.objects.none()
    if case.side == Side.REQUESTER:
        return reachable(authors(case))
    return reachable(must_answer(case))


def authors(case: Case) -> QuerySet:
    User = get_user_model()
    author = User.objects.filter(pk=case.author_id, is_active=True, authority_id=case.owner_id)
    return author if author.exists() else officers(case.owner_id, OPERATOR)


def must_answer(case: Case) -> QuerySet:
    """The officers who must answer a request this authority executes."""
    User = get_user_model()
    supervisors = officers(case.owner_id, SUPERVISOR)
    assignee = User.objects.filter(pk=case.assignee_id, is_active=True, authority_id=case.owner_id)
    if case.assignee_id and assignee.exists():
        told = [*supervisors.values_list("pk", flat=True), case.assignee_id]
        return User.objects.filter(pk__in=told)
    return officers(case.owner_id, OPERATOR, SUPERVISOR)

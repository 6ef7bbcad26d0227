"""Cases: each side's copy of a request or of information sent without a request.

`status` is written only by services.transition(); everything else about a case is written by the
services in services.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrex.cases.workflow import Kind, Side, State


class Case(models.Model):
    conversation_id = models.UUIDField(_("conversation"), default=uuid.uuid4, editable=False)
    side = models.CharField(_("side"), max_length=16, choices=[(s, s) for s in Side])
    kind = models.CharField(_("kind"), max_length=16, choices=[(k, k) for k in Kind])
    status = models.CharField(_("status"), max_length=40, choices=[(s, s) for s in State])
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT
    )
    number = models.CharField(_("registration number"), max_length=64, blank=True)
    their_number = models.CharField(_("number of the other party"), max_length=64, blank=True)
    requesting_authority = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("requesting authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_authority = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("requested authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Whose copy this is: the requesting authority on the requester's side, the requested one
    # on the other. Derivable from `side`, but stored so every list filters on one column.
    owner = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Art. 9.2: the mandatory content of a request.
    summary = models.TextField(_("summary"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    other_information = models.TextField(_("other information"), blank=True)
    topics = models.JSONField(_("subjects"), default=list, blank=True)
    confidential = models.BooleanField(_("confidential"), default=True)  # Art. 11.1

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signatory_name = models.CharField(_("signed by"), max_length=300, blank=True)
    signatory_position = models.CharField(
        _("position of the signatory"), max_length=300, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # Art. 10.3. On the requester's copy these are its own clock, from the receipt the other
    # node signed; the date that node declared on registering is kept beside it.
    received_on = models.DateField(_("date of receipt"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    their_due_date = models.DateField(_("due date by the other party"), null=True, blank=True)
    # Days the deadline stood still in states the agreement's profile pauses it in (none in KZ-BY).
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    # While an interruption holds (workflow.INTERRUPTIONS: the requester's confirmation awaited,
    # Art. 9.5), the state the case returns to when it ends; empty otherwise.
    resume_state = models.CharField(
        _("state to resume"), max_length=40, blank=True, choices=[(s, s) for s in State]
    )
    # The terms of the latest postponement (Art. 10.2): until when, or on what condition,
    # execution waits. They hold while the case is postponed (selectors.postponement_holds).
    postponed_until = models.DateField(_("postponed until"), null=True, blank=True)
    postponement_condition = models.TextField(_("condition of the postponement"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The latest entry of the history that is news to someone (attention.py): when it was made
    # and by which officer (none when it came from the other party). Written with the entry
    # (record_news), so that whether a case has news for an officer is read from the case row
    # and the officer's CaseSeen, not from the whole history.
    news_at = models.DateTimeField(_("latest news at"), null=True, blank=True, editable=False)
    news_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["conversation_id", "side"], name="case_one_per_side"),
        ]
        indexes = [
            # Covers the box counts and filters, and the count of cases where a move is due
            # (attention.total: by author and assignee too): they read no other column.
            models.Index(
                fields=["owner", "status", "side", "kind", "due_date", "author", "assignee"],
                name="case_owner_status_covering",
            ),
            # The start page's sections, the longest waiting first (attention.py).
            models.Index(fields=["owner", "status", "side", "updated_at"]),
            # The incoming box's order, and the due-soon and overdue ranges.
            models.Index(fields=["owner", "side", "due_date", "created_at"]),
            models.Index(fields=["owner", "due_date"]),
            models.Index(fields=["owner", "-created_at"]),
            # The closed boxes, one per direction, latest closed first (views_boxes.py).
            models.Index(fields=["owner", "side", "closed_at"]),
            # The node's cases by kind, side and state (shell/metrics.py), from the index alone.
            models.Index(fields=["kind", "side", "status"]),
        ]

    def __str__(self) -> str:
        return self.number or str(self.conversation_id)

    @property
    def due_dates_differ(self) -> bool:
        """The other party counts the 30 days to end more than a day away from this node's own
        count (Art. 10.3): worth an officer's look."""
        if self.due_date is None or self.their_due_date is None:
            return False
        return abs((self.their_due_date - self.due_date).days) > 1

    @property
    def own_authority_id(self) -> int:
        return self.owner_id

    @property
    def other_authority(self):
        if self.side == Side.REQUESTER:
            return self.requested_authority
        return self.requesting_authority


def owned_by(authority_id: int) -> Q:
    """Cases whose copy belongs to `authority_id` (the filter every case list starts from)."""
    return Q(owner_id=authority_id)


class CaseEvent(models.Model):
    """One entry of a case's history: a move of the workflow, with any message it sent or got."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40)
    article = models.CharField(_("article"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=300)
    direction = models.CharField(
        _("message"), max_length=3, blank=True, choices=[("out", "out"), ("in", "in")]
    )
    message_id = models.UUIDField(_("message id"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Given by services._history: the opening entry of a received request shares its time with
    # the news the case is created with (services.opened).
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")
        ordering = ["case", "at", "id"]
        # outcomes.settled finds the move a receipt or refusal answers by its message id.
        indexes = [models.Index(fields=["message_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"

    @property
    def news_to_someone(self) -> bool:
        """A message that came in, or a change of state: news to every officer but the one who
        made it (attention.py)."""
        return self.direction == "in" or self.from_state != self.to_state


def record_news(case: Case, event: CaseEvent) -> None:
    """Keep `case.news_at` and `case.news_by` at its latest entry that is news to someone:
    called for every entry the history is given (services.py, outcomes.py)."""
    if not event.news_to_someone or (case.news_at, case.news_by_id) == (event.at, event.actor_id):
        return  # nothing to change: a case created with its first entry's news (services.opened)
    Case.objects.filter(pk=case.pk).update(news_at=event.at, news_by=event.actor_id)
    case.news_at, case.news_by_id = event.at, event.actor_id


class CasePerson(models.Model):
    """A person a request asks about, or whose data an answer provides (Art. 5, 6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="persons"
    )
    category = models.CharField(_("category (Art. 5)"), max_length=64)
    data = models.JSONField(_("personal data (Art. 6)"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["case", "position", "id"]

    def __str__(self) -> str:
        return " ".join(str(self.data.get(k, "")) for k in ("surname", "given_name")).strip()


class Attachment(models.Model):
    KINDS = [
        ("document", _("document")),
        ("photo", _("photograph")),
        ("fingerprint_card", _("fingerprint card")),
    ]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=KINDS)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The file is AES-256-GCM ciphertext under a key of its own, stored here wrapped by the node's
    # data key (migrex/core/filecrypto.py); deleting it destroys every copy of the file
    # (Art. 11.5).
    key = models.BinaryField(_("item key (wrapped)"), null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class CaseSeen(models.Model):
    """When an officer last opened a case: what the other party did after it, or a colleague's
    change of state, is news to them (attention.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("case opened")
        verbose_name_plural = _("cases opened")
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="case_seen_once_per_officer")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.case_id} {self.at}"


class Counter(models.Model):
    """Registration-number sequences, one per authority and year, taken under a row lock."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class BoxToken(models.Model):
    """Random tokens per authority, replaced by database triggers (tally.py installs them):
    `token` and `news` whenever one of its cases is written or deleted, `news` alone when an
    entry of a case's history is or an officer opens a case that had news. The navigation's
    counts are kept under them. The authority's id without a foreign key: a trigger's row must
    never fail a transaction, not even one that deletes the authority itself."""

    authority = models.BigIntegerField(primary_key=True)
    token = models.BigIntegerField()
    news = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.authority}: {self.token}"

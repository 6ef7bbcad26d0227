"""Person records received in datasets (Art. 3, 6): each bound to the dataset and so to its
provider, the message it came in and the purpose stated for it (Art. 11.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visible(models.Manager):
    """The datasets that arrived whole and verified: what every reader sees (`Dataset.objects`).
    One still arriving (`staged_at` set, persons/staging.py) exists for nobody but its receiver,
    which alone uses `Dataset.arriving`."""

    def get_queryset(self):
        return super().get_queryset().filter(staged_at__isnull=True)


class Dataset(models.Model):
    """A dataset message received from the other party: a list of persons with its purpose."""

    # Several copies of one message may be arriving at once (a retry after a lost reply, a
    # receiver killed mid-stream and the sender trying again): one becomes the dataset, once.
    message_id = models.UUIDField(_("message id"), db_index=True)
    conversation_id = models.UUIDField(_("conversation"))
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT
    )
    provider = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("provided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=500)
    purpose = models.TextField(_("purpose"))
    category = models.CharField(_("category of persons"), max_length=64)
    records = models.PositiveIntegerField(_("records"))
    size = models.PositiveBigIntegerField(_("bytes"))
    sha256 = models.CharField(_("SHA-256 of the body"), max_length=64)
    received_at = models.DateTimeField(_("received at"))
    # Set while the records arrive, chunk by chunk, each chunk's time: the dataset is hidden
    # from every reader until its body is whole and verified; None once it is (staging.py).
    staged_at = models.DateTimeField(null=True, blank=True, editable=False)

    arriving = models.Manager()  # every row, those still arriving too: persons/staging.py only
    objects = Visible()  # the default (Meta): a dataset still arriving is no one's to read

    class Meta:
        verbose_name = _("received dataset")
        verbose_name_plural = _("received datasets")
        ordering = ["-received_at"]
        # Admin and forms see what readers see; deletion and a record's `.dataset` go through
        # Django's plain base manager, which sees every row.
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=models.Q(staged_at__isnull=True),
                name="dataset_message_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PersonRecord(models.Model):
    """One Art. 6 record of a received dataset, as validated on receipt."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveIntegerField(_("line"))
    data = models.JSONField(_("personal data (Art. 6)"))

    class Meta:
        verbose_name = _("person record")
        verbose_name_plural = _("person records")
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"], name="person_record_line")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.position}"


SOURCES = [("dataset", _("dataset")), ("case", _("request"))]


class Consent(models.Model):
    """The provider's consent to a use of the personal data it provided that the treaty does not
    allow by itself: another purpose (Art. 11.2), export, or passing to a third party (Art.
    11.3). Both nodes keep a row under the same reference: the asking side's row is what enforcement
    reads; the provider's row is where its officer decides."""

    class Use(models.TextChoices):
        OTHER_PURPOSE = "other_purpose", _("use for another purpose (Art. 11.2)")
        EXPORT = "export", _("export outside the system (Art. 11.2, 11.4)")
        THIRD_PARTY = "third_party", _("passing to a third party (Art. 11.3)")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("awaiting the provider's decision")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    class Side(models.TextChoices):
        ASKED = "asked", _("asked by this node")
        PROVIDER = "provider", _("asked of this node")

    ref = models.UUIDField(_("reference"), editable=False)  # the same on both nodes
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT
    )
    requester = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("provided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_kind = models.CharField(_("source"), max_length=8, choices=SOURCES)
    # The provided data, by an id both nodes know: a dataset's message id, a case's conversation.
    source = models.UUIDField(_("source id"))
    use = models.CharField(_("use"), max_length=16, choices=Use.choices)
    purpose = models.TextField(_("what for"))
    recipient = models.CharField(_("third party"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    asked_by = models.CharField(_("officer who asked"), max_length=300)
    decided_by = models.CharField(_("officer who decided"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "use", "status"])]
        constraints = [models.UniqueConstraint(fields=["ref", "side"], name="consent_ref_side")]

    def __str__(self) -> str:
        return f"{self.get_use_display()}: {self.get_status_display()}"


class SearchEntry(models.Model):
    """One person record as search sees it: the folding keys of its names (`translit.fold`) and
    the skeletons of its surname and given name (`translit.skeleton`, a coarser key for spellings
    no table yields), its birth date and document number. Kept beside the record and deleted with
    it, so destroyed data (Art. 11.5) cannot be found either."""

    authority = models.ForeignKey(
        "agreements.Authority", on_delete=models.CASCADE, related_name="+"
    )  # whose records these are on this node: the case's owner, the dataset's recipient
    case_person = models.ForeignKey(
        "cases.CasePerson", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    record = models.ForeignKey(
        PersonRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    surname = models.CharField(max_length=64, blank=True)
    given_name = models.CharField(max_length=64, blank=True)
    patronymic = models.CharField(max_length=64, blank=True)
    surname_key = models.CharField(max_length=64, blank=True)  # skeleton(surname)
    given_key = models.CharField(max_length=64, blank=True)  # skeleton(given_name)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    document = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [
            # The names with a near birth date (persons/lookups.py), and the names alone.
            models.Index(fields=["authority", "surname", "given_name", "birth_date"]),
            models.Index(fields=["authority", "surname_key", "given_key", "birth_date"]),
            models.Index(fields=["authority", "given_name", "birth_date"]),
            models.Index(fields=["authority", "birth_date"]),
            models.Index(fields=["authority", "document"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case_person__isnull=False) | models.Q(record__isnull=False),
                name="search_entry_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.surname} {self.given_name} {self.birth_date or ''}".strip()


class SearchName(models.Model):
    """A surname folding key that entries of `authority` hold, once: what the search for near
    spellings compares by trigrams (persons/similar.py) before it reads the entries of the
    closest ones through their own index. On PostgreSQL a GIN trigram index (`pg_trgm`,
    migration 0006) serves it; on SQLite its trigrams are rows of `SearchGram`. A name no entry
    holds any longer is removed by `similar.prune` (destruction calls it): a
    surname of destroyed data must not stay behind."""

    authority = models.ForeignKey(
        "agreements.Authority", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint leads with it
    surname = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "surname"], name="search_name_once")
        ]

    def __str__(self) -> str:
        return self.surname


class SearchGram(models.Model):
    """One trigram of a `SearchName` on SQLite (on PostgreSQL `pg_trgm` indexes the names
    themselves, and this table stays empty): the trigrams `pg_trgm` would make of it, so that
    both databases find the same names."""

    authority = models.ForeignKey(
        "agreements.Authority", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint leads with it
    gram = models.CharField(max_length=3)
    surname = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "gram", "surname"], name="search_gram_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gram}:{self.surname}"

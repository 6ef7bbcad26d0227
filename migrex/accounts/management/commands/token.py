"""`migrex token create|revoke|list`: API tokens for national systems."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from migrex.accounts import tokens
from migrex.accounts.models import ApiToken, User

ACTOR = "command line"  # who the audit log names for changes made here, as in `migrex retention`


class Command(BaseCommand):
    help = "Issue, revoke and list API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p_create = sub.add_parser(
            "create", help="issue a token for a user; the token is printed once, on stdout"
        )
        p_create.add_argument("username")
        p_create.add_argument("--name", default="", help="what the token is for")
        p_revoke = sub.add_parser("revoke", help="revoke a token by its id")
        p_revoke.add_argument("id", type=int)
        p_list = sub.add_parser("list", help="tokens (never their value), with their ids")
        p_list.add_argument("username", nargs="?")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, username: str, name: str, **_):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive: a token would not work")
        record, token = tokens.issue(user=user, name=name, actor=ACTOR)
        # The explanation goes to stderr, so `TOKEN=$(migrex token create USER)` gets the token.
        expires = timezone.localtime(record.expires_at)
        self.stderr.write(
            f"token {record.pk} for {username}"
            + (f" ({name})" if name else "")
            + f", expires {expires:%Y-%m-%d %H:%M} (or when the password changes)"
            + ": shown once, store it now; only its SHA-256 is kept"
        )
        if user.authority_id is None:
            self.stderr.write(f"warning: {username} has no competent authority and sees no cases")
        self.stdout.write(token)

    def _revoke(self, id: int, **_):
        try:
            record = tokens.revoke(token_id=id, actor=ACTOR)
        except ApiToken.DoesNotExist:
            raise CommandError(f"no token {id}") from None
        at = timezone.localtime(record.revoked_at)
        self.stdout.write(
            f"token {record.pk} of {record.user.username} revoked at {at:%Y-%m-%d %H:%M}"
        )

    def _list(self, username: str | None, **_):
        records = ApiToken.objects.select_related("user").order_by("pk")
        if username:
            records = records.filter(user__username=username)
        now = timezone.now()
        for r in records:
            revoked, used = r.revoked_at, r.last_used_at
            ended = tokens.ended(r, now)
            if revoked:
                state = f"revoked {timezone.localtime(revoked):%Y-%m-%d}"
            elif ended is not None and ended.code == "token_expired":
                state = "expired"
            elif ended is not None:
                state = "password changed"
            else:
                state = "active"
            expires = f"{timezone.localtime(r.expires_at):%Y-%m-%d}"
            used = f"{timezone.localtime(used):%Y-%m-%d %H:%M}" if used else "never"
            self.stdout.write(
                f"{r.pk:>5}  {r.user.username:<20} {state:<18} expires {expires}  "
                f"last used {used:<16}  {r.name}"
            )

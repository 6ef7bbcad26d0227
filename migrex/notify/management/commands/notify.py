"""`migrex notify`: tell officers by e-mail what needs them (migrex/notify/services.py). Run every
minute by contrib/systemd/migrex-notify.timer; safe to run by hand at any time."""

from django.core.management.base import BaseCommand, CommandError

from migrex.notify import services


class Command(BaseCommand):
    help = "Send the officers' e-mail notifications that are due (new events, reminders, digests)."

    def handle(self, *args, **options):
        done = services.run()
        found = done.collected
        line = f"migrex notify: {found.events} event(s) read, {found.notices} new notice(s)"
        if done.sent is None:
            self.stdout.write(f"{line}; no mail server (MIGREX_SMTP_HOST is not set)")
            return
        sent = done.sent
        line += f", {sent.mails} mail(s) sent with {sent.notices} notice(s)"
        if sent.dropped:
            line += f", {sent.dropped} not sent (notifications off or no address)"
        if sent.failed:
            # A failed unit shows in `systemctl --failed`; the notices wait for the next run.
            raise CommandError(f"{line}; the mail server failed ({sent.failed})")
        self.stdout.write(line)

from django.contrib import admin
from django.urls import include, path

from migrex.api import api
from migrex.core.views import healthz
from migrex.exchange import views as exchange
from migrex.exchange import views_ui as exchange_ui
from migrex.exchange.views_health import readyz
from migrex.shell.views import home
from migrex.shell.views_metrics import metrics

admin.site.site_header = "migrex"
admin.site.site_title = "migrex"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("exchange/", exchange_ui.outbox, name="exchange-outbox"),
    path("exchange/inbox", exchange.inbox, name="exchange-inbox"),
    path("exchange/inbox/batch", exchange.inbox_batch, name="exchange-inbox-batch"),
    path("exchange/inbox/stream", exchange.inbox_stream, name="exchange-inbox-stream"),
    path("exchange/ping", exchange.ping, name="exchange-ping"),
    path("retention/", include("migrex.retention.urls")),
    path("stats/", include("migrex.stats.urls")),
    path("channels/", include("migrex.channels.urls")),
    path("registers/", include("migrex.registers.urls")),
    path("notifications/", include("migrex.notify.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("migrex.audit.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("migrex.accounts.urls")),
    path("", include("migrex.persons.urls")),
    path("", include("migrex.cases.urls")),
    path("", home, name="home"),
]

import os

from django.contrib import admin
from django.urls import include, path

from migrex.api import api
from migrex.core.views import healthz
from migrex.exchange.views import bench_baseline, inbox

admin.site.site_header = "migrex"
admin.site.site_title = "migrex"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("exchange/inbox", inbox, name="exchange-inbox"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("migrex.accounts.urls")),
    path("", include("migrex.cases.urls")),
]
if os.environ.get("MIGREX_BENCH_BASELINE") == "1":  # bench/exchange_throughput.py only
    urlpatterns.append(path("exchange/baseline", bench_baseline))

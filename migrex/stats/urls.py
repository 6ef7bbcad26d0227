from django.urls import path

from migrex.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.dataset, name="dataset"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/data.csv", views.export_csv, name="export-csv"),
    path("<int:pk>/sdmx.csv", views.export_sdmx, name="export-sdmx"),
    path("<int:pk>/mirror/", views.mirror, name="mirror"),
]

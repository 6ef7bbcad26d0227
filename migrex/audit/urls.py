from django.urls import path

from migrex.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("subject/<path:subject>/", views.subject, name="subject"),
]

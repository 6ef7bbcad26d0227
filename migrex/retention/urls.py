from django.urls import path

from migrex.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("acts/<int:pk>.pdf", views.act_pdf, name="act"),
]

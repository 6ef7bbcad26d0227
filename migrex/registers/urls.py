from django.urls import path

from migrex.registers import views_authorities, views_cooperation, views_legislation

app_name = "registers"
urlpatterns = [
    path("legislation/", views_legislation.index, name="legislation"),
    path("legislation/new/", views_legislation.new, name="legislation-new"),
    path("legislation/<int:pk>/text/", views_legislation.text, name="legislation-text"),
    path("cooperation/", views_cooperation.index, name="cooperation"),
    path("cooperation/calendar/", views_cooperation.calendar, name="calendar"),
    path("cooperation/new/", views_cooperation.new, name="cooperation-new"),
    path("signatories/", views_authorities.index, name="signatories"),
]

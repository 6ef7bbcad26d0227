from django.urls import path

from migrex.persons import views, views_search

app_name = "persons"

urlpatterns = [
    path("persons/", views_search.person_search, name="search"),
    path("datasets/", views.dataset_list, name="datasets"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("received/<slug:kind>/<int:pk>/consent/", views.ask_consent, name="ask-consent"),
    path("received/<slug:kind>/<int:pk>/export/", views.export, name="export"),
    path("consents/", views.consent_list, name="consents"),
    path("consents/<int:pk>/decide/", views.decide, name="decide"),
]

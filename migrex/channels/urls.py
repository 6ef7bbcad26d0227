from django.urls import path

from migrex.channels import views

app_name = "channels"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/participants/<slug:kind>/", views.participant, name="participant"),
    path("<int:pk>/participants/<slug:kind>/remove/", views.remove, name="remove"),
    path("<int:pk>/send/", views.send, name="send"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("graph/", views.graph_page, name="graph"),
    path("graph.json", views.graph_export, {"fmt": "json"}, name="graph-json"),
    path("graph.csv", views.graph_export, {"fmt": "csv"}, name="graph-csv"),
    path("graph.graphml", views.graph_export, {"fmt": "graphml"}, name="graph-graphml"),
]

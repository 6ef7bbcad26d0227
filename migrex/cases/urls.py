from django.urls import path, register_converter

from migrex.cases import views_act, views_boxes, views_case, views_documents, views_draft
from migrex.cases.views_reports import report_page

register_converter(views_boxes.BoxConverter, "box")

app_name = "cases"

urlpatterns = [
    path("<box:name>/", views_boxes.box, name="box"),
    path("reports/", report_page, name="reports"),
    path("cases/search/", views_boxes.search_cases, name="search"),
    path("cases/new/", views_draft.new_request, name="new"),
    path("cases/new/information/", views_draft.new_information, name="new-information"),
    path("cases/rows/person/", views_draft.person_row, name="person-row"),
    path("cases/rows/attachment/", views_draft.attachment_row, name="attachment-row"),
    path("cases/<int:pk>/", views_case.detail, name="detail"),
    path("cases/<int:pk>/edit/", views_draft.edit_draft, name="edit"),
    path("cases/<int:pk>/act/<slug:action>/", views_act.act, name="act"),
    path("cases/<int:pk>/request.pdf", views_case.request_letter, name="letter"),
    path("cases/<int:pk>/refusal.pdf", views_case.refusal_notice, name="refusal-notice"),
    path("cases/<int:pk>/answer.pdf", views_documents.answer, name="answer"),
    path(
        "cases/<int:pk>/clarifications/<int:event_id>.pdf",
        views_documents.clarification,
        name="clarification",
    ),
    path("cases/<int:pk>/case-file.pdf", views_documents.case_file, name="case-file"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        views_case.attachment,
        name="attachment",
    ),
]

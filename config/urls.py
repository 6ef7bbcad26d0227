from django.contrib import admin
from django.urls import path

admin.site.site_header = "migrex"
admin.site.site_title = "migrex"

urlpatterns = [
    path("admin/", admin.site.urls),
]

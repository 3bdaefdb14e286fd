from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.settings_view, name="settings"),
    path("two-factor/enrol/", views.enrol_view, name="enrol"),
    path("two-factor/verify/", views.verify_view, name="verify"),
    path("two-factor/backup-codes/", views.backup_codes_view, name="backup_codes"),
    path("language/", views.language_view, name="language"),
]

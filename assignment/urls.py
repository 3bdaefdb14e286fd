from django.urls import path

from assignment import views

app_name = "assignment"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
]

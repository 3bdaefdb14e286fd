from django.urls import path

from kpi import views

app_name = "kpi"
urlpatterns = [
    path("kpi/", views.kpi_view, name="kpi"),
    path("kpi/csv/", views.kpi_csv_view, name="kpi_csv"),
    path("kpi/orders/", views.kpi_orders_view, name="kpi_orders"),
    path("kpi/calls/", views.kpi_calls_view, name="kpi_calls"),
    path("kpi/conversations/", views.kpi_conversations_view, name="kpi_conversations"),
]

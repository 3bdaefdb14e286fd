from django.urls import path

from assignment import kpi_views, views

app_name = "assignment"
urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("presence/", views.presence_view, name="presence"),
    path("kpi/", kpi_views.kpi_view, name="kpi"),
    path("kpi/csv/", kpi_views.kpi_csv_view, name="kpi_csv"),
    path("kpi/orders/", kpi_views.kpi_orders_view, name="kpi_orders"),
    path("queue/<int:pk>/take/", views.order_take_view, name="take"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import home
from orders import api as orders_api

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("orders/", include("orders.urls")),
    path("", include("assignment.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/orders/", orders_api.order_intake, name="api_order_intake"),
    path("api/v1/orders/<str:external_id>/payment/", orders_api.order_payment, name="api_order_payment"),
    path("admin/", admin.site.urls),
]

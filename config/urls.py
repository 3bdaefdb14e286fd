from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from config.health import healthz
from config.views import home
from orders import api as orders_api

# Admin's titles (Django's own are "Django administration"), in the reader's language.
admin.site.site_header = _("Orderdesk administration")
admin.site.site_title = _("Orderdesk admin")
admin.site.index_title = _("Desk settings")

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("orders/", include("orders.urls")),
    path("", include("assignment.urls")),
    path("", include("kpi.urls")),
    path("", include("dashboard.urls")),
    path("conversations/", include("inbox.urls")),
    path("notifications/", include("notifications.urls")),
    path("webhooks/email/", include("notifications.email_urls")),
    path("webhooks/twilio/voice/", include("calls.webhook_urls")),
    path("calls/", include("calls.urls")),
    path("webhooks/", include("notifications.webhook_urls")),
    path("feedback/", include("feedback.urls")),
    path("api/v1/openapi.json", orders_api.openapi_document, name="api_openapi"),
    path("api/v1/orders/", orders_api.orders_collection, name="api_order_intake"),
    path("api/v1/orders/<str:external_id>/", orders_api.order_status, name="api_order_status"),
    path("api/v1/orders/<str:external_id>/payment/", orders_api.order_payment, name="api_order_payment"),
    path("api/v1/orders/<str:external_id>/delivery/", orders_api.order_delivery, name="api_order_delivery"),
    path("api/<path:rest>", orders_api.not_found, name="api_not_found"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name none (the admin's, a JSON answer).
    path("favicon.ico", login_not_required(RedirectView.as_view(url=static("favicon.svg"), permanent=True))),
]

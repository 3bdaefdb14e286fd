from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("<int:pk>/open/", views.notification_open_view, name="open"),
    path("read-all/", views.notification_read_all_view, name="read_all"),
    path("orders/<int:pk>/message/", views.order_message_view, name="order_message"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("unread-count/", views.notification_unread_count_view, name="unread_count"),
]

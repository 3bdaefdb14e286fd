from django.urls import path

from inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox_view, name="list"),
    path("<int:pk>/", views.conversation_view, name="detail"),
    path("<int:pk>/reply/", views.conversation_reply_view, name="reply"),
    path("<int:pk>/read/", views.conversation_read_view, name="read"),
    path("<int:pk>/close/", views.conversation_close_view, name="close"),
    path("<int:pk>/reassign/", views.conversation_reassign_view, name="reassign"),
]

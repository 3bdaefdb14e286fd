from django.urls import path

from assignment import views

app_name = "assignment"
urlpatterns = [
    path("presence/", views.presence_view, name="presence"),
    path("presence/auto-dial/", views.auto_dial_view, name="auto_dial"),
    path("queue/<int:pk>/take/", views.order_take_view, name="take"),
    path("queue/conversations/<int:pk>/take/", views.conversation_take_view, name="take_conversation"),
]

from django.urls import path

from feedback import public, views

app_name = "feedback"
urlpatterns = [
    path("claims/", views.claim_list_view, name="claims"),
    path("claims/<int:pk>/", views.claim_detail_view, name="claim"),
    path("claims/<int:pk>/step/", views.claim_step_view, name="claim_step"),
    path("claims/<int:pk>/note/", views.claim_note_view, name="claim_note"),
    path("claims/<int:pk>/message/", views.claim_message_view, name="claim_message"),
    path("replies/", views.replies_view, name="replies"),
    path("replies/<int:pk>/rate/", views.reply_rate_view, name="reply_rate"),
    path("rate/<str:token>/", public.rate_view, name="rate"),
    path("rate/<str:token>/answer/", public.rate_answer_view, name="rate_answer"),
    path("rate/<str:token>/thanks/", public.thanks_view, name="thanks"),
]

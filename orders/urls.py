from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("new/", views.order_new_view, name="new"),
    path("customers/<int:pk>/", views.customer_detail_view, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit_view, name="customer_edit"),
    path("customers/<int:pk>/manager/", views.customer_responsible_view, name="customer_manager"),
    path("new/customer/", views.order_new_customer_view, name="new_customer"),
    path("<int:pk>/", views.order_detail_view, name="detail"),
    path("<int:pk>/status/", views.order_status_view, name="status"),
    path("<int:pk>/edit/", views.order_edit_view, name="edit"),
    path("<int:pk>/note/", views.order_note_view, name="note"),
    path("<int:pk>/reassign/", views.order_reassign_view, name="reassign"),
    path("reassign/", views.orders_bulk_reassign_view, name="bulk_reassign"),
    path("<int:pk>/call/", views.order_call_view, name="call"),
    path("<int:pk>/tasks/", views.task_create_view, name="task_create"),
    path("tasks/<int:pk>/done/", views.task_done_view, name="task_done"),
    path("next/", views.next_view, name="next"),
]

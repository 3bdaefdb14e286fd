"""Feedback's part of a customer's data: in their export, and forgotten when they are anonymised. (The flows that
plan requests and take in replies are the desk's pipeline, desk/flows.py.)"""

from feedback.selectors import feedback_export
from feedback.services import feedback_forget
from orders import signals


def connect() -> None:
    signals.customer_data_requested.connect(on_customer_data_requested, dispatch_uid="feedback.export")
    signals.customer_anonymised.connect(on_customer_anonymised, dispatch_uid="feedback.anonymised")


def on_customer_data_requested(sender, customer, **kwargs):
    return {"feedback": feedback_export(customer=customer)}


def on_customer_anonymised(sender, customer, **kwargs):
    feedback_forget(customer=customer)

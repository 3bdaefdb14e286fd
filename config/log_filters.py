"""Logging filters: keep the console to lines a person reads."""


def not_a_twilio_status_callback(record) -> bool:
    """Drop runserver's line for each of Twilio's status callbacks that went well (several per message, all
    alike); a refused one (403) or a failing one still shows. The outbox logs one line per message sent."""
    request_line = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
    return not (" /webhooks/twilio/status/" in request_line and getattr(record, "status_code", 500) < 400)

import logging
import time

logger = logging.getLogger("orderdesk.requests")


class RequestLogMiddleware:
    """One line per request: method, path, status, milliseconds taken and who asked (for the access log of a
    desk that runs on several web nodes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        took = (time.perf_counter() - started) * 1000
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "-"
        logger.info("%s %s %s %.0fms %s", request.method, request.path, response.status_code, took, who)
        return response

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, *fallback, **fallback_kwargs):
    """Back to the page a form came from (its `next` field) when that is on this site, else to `fallback`
    (anything `redirect` takes)."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(*fallback, **fallback_kwargs)

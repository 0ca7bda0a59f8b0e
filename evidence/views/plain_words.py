"""The plain-words check as people type: a brief's edit page sends a field's words here
(htmx, after a pause) and shows the hints this answers, a fragment of HTML, in a live
region under the field. Saving the brief runs the same check (``evidence.plain_words``,
``plain_words_hints``), so what the page says while typing is what the report says after.

Anyone signed in may ask (the check reads only the words it is sent and keeps nothing);
one person may ask ``LEARNHUB_PLAIN_WORDS_PER_MINUTE`` times a minute (429 after, with
``Retry-After``, which the page ignores). A text longer than its field may hold is not
read: the answer says so. Signed out, an htmx request gets 204 (nothing changes on the
page; saving asks them to sign in) and any other is sent to sign in.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from evidence.forms.briefs import text_to_check
from evidence.plain_words import plain_words_hints
from learnhub.throttles import per_minute_allows

NOT_ONE_FIELD = "Send the words of one field to check."


@require_POST
def plain_words_check_view(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        if getattr(request, "htmx", False):
            return HttpResponse(status=204)
        return redirect_to_login(request.get_full_path())
    allowed, wait = per_minute_allows(
        f"plain-words:{request.user.pk}", limit=int(settings.LEARNHUB_PLAIN_WORDS_PER_MINUTE)
    )
    if not allowed:
        response = HttpResponse("Too many checks: try again in a minute.", status=429)
        response["Retry-After"] = str(wait)
        return response
    sent = text_to_check(request.POST)
    if sent is None:
        return HttpResponse(NOT_ONE_FIELD, status=400, content_type="text/plain")
    hints = None if sent.too_long or not sent.text.strip() else plain_words_hints(sent.text)
    fragment = render_to_string(
        "evidence/briefs/_plain_hints.html",
        {"hints": hints, "too_long": sent.too_long, "limit_words": f"{sent.limit:,}"},
        request=request,
    )
    # Nothing to say is an empty answer, so the region is empty (and hidden) again.
    return HttpResponse(fragment.strip())


urlpatterns: list[URLPattern] = [
    path("plain-words/check/", plain_words_check_view, name="plain-words-check"),
]

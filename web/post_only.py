"""Actions are POST; a GET of an action's URL is someone coming back from the log-in page.

When a session has ended, the click on an action button (or a bell item) is a POST that
`login_required` turns into a redirect to the log-in page with `?next=<the action's URL>`;
after logging in, the browser GETs that URL. `require_POST` would answer 405 and lose the
person's place. `post_only` sends them instead to the page the action belongs to, with a
message that nothing was done, so they can take it again there.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

NOT_DONE = "You were logged out before this was sent, so nothing was changed. You can do it again below."

Back = Callable[..., str]


def post_only(back: Back, *, message: str | None = NOT_DONE):
    """Like `require_POST`, but a GET (or HEAD) redirects to `back(request, **view_kwargs)` with `message`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                if message:
                    messages.info(request, message)
                return redirect(back(request, *args, **kwargs))
            return HttpResponseNotAllowed(["POST"])

        return wrapper

    return decorate

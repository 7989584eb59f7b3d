"""Staff sessions expire after a period of inactivity (settings.STAFF_SESSION_IDLE_SECONDS)."""

import time

from django.conf import settings
from django.contrib.auth import logout


class StaffSessionTimeoutMiddleware:
    key = "_staff_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(self.key)
            if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
            else:
                request.session[self.key] = now
        return self.get_response(request)

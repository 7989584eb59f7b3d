"""WSGI entry point (gunicorn ppid.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")
application = get_wsgi_application()

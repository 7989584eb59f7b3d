"""gunicorn configuration for PPID Terpadu, read by `make run` (scripts/run.sh) and by the
ppid-web systemd unit. Every value can be overridden by an environment variable (docs/deploy.md).

The web processes are stateless (sessions, tasks and locks live in the database), so capacity
grows by adding workers here or more machines behind the reverse proxy.
"""

import multiprocessing
import os

# PPID_BIND: "127.0.0.1:8000" (default, behind nginx on the same machine), "0.0.0.0:8000"
# (behind a proxy on another machine) or "unix:/run/ppid/web.sock".
bind = os.environ.get("PPID_BIND", "127.0.0.1:8000")

# WEB_CONCURRENCY is gunicorn's own convention. Default: 2 processes for the embedded SQLite
# run (more processes only queue on SQLite's single writer); on PostgreSQL, 2 x cores + 1.
_concurrency = os.environ.get("WEB_CONCURRENCY", "2")
workers = multiprocessing.cpu_count() * 2 + 1 if _concurrency == "auto" else int(_concurrency)
# Threads let a process serve other requests while one waits on the database or storage.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"

# A request that takes longer than this is killed and logged; long work belongs in a task.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5

# Recycle processes now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Behind a reverse proxy on the same machine, trust its X-Forwarded-* headers (settings decide
# separately whether Django believes X-Forwarded-Proto: BEHIND_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No request query strings in the access log: search terms may carry personal data.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

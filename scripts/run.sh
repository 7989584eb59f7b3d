#!/usr/bin/env bash
# Start the web server (gunicorn), one task worker (django-tasks-db) and the request service's
# clock (late requests, unanswered objections: `foi_tick` every 15 minutes) side by side, and
# stop them all cleanly on Ctrl-C / TERM, and when the terminal closes (HUP). `make run` calls this
# after migrate, collectstatic and load_demo.
# Production runs the same processes as systemd units and a timer instead (deploy/systemd/).
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${VENV:-$root/.venv}/bin"
export PPID_BIND="${PPID_BIND:-127.0.0.1:8000}"

# Each child gets its own session (setsid): Ctrl-C then reaches only this script, which sends
# each child exactly one TERM. A second signal would make the worker abandon a running task.
setsid "$bin/gunicorn" --config deploy/gunicorn.conf.py ppid.wsgi &
web=$!
setsid "$bin/python" manage.py db_worker --no-reload &
worker=$!
setsid "$bin/python" manage.py foi_tick --every 900 >/dev/null &
clock=$!

stopping=0
stop() {
  stopping=1
  echo
  echo "Stopping the web server and the task worker..."
  kill -TERM "$web" "$worker" "$clock" 2>/dev/null
}
trap stop INT TERM HUP

password_file="${PPID_VAR_DIR:-$root/var}/demo-admin-password.txt"
if [ -f "$password_file" ]; then
  login="user admin, password in $password_file (generated on first run)"
else
  login="an administrator of yours (manage.py createsuperuser)"
fi
cat <<EOF

  PPID Terpadu is running at http://${PPID_BIND}/
  Back office: http://${PPID_BIND}/admin/ - log in as ${login}
  Press Ctrl-C to stop.

EOF

# Whichever child ends first (or a signal) ends the run: stop the others too.
wait -n "$web" "$worker" "$clock"
status=$?
if [ "$stopping" = 0 ]; then
  echo "A process stopped unexpectedly (exit $status); stopping the others." >&2
  kill -TERM "$web" "$worker" "$clock" 2>/dev/null
fi
wait "$web" 2>/dev/null
wait "$worker" 2>/dev/null
wait "$clock" 2>/dev/null
if [ "$stopping" = 1 ]; then
  echo "Stopped."
  exit 0
fi
exit "${status:-1}"

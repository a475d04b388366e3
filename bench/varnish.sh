#!/usr/bin/env bash
# A warm article page through Varnish (deploy/varnish/default.vcl) against a
# static file of the same bytes through the same Varnish, and the same page
# from gunicorn alone (a page-cache hit): `bench/varnish.sh`. Needs varnish,
# wrk and Redis on 127.0.0.1:6379; uses .venv. Results: docs/performance.md,
# "Through Varnish". Everything lives in a temporary folder; the processes it
# starts are stopped by their ids.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$PWD/.venv/bin/python
tmp=$(mktemp -d /tmp/newsroom-varnish-bench.XXXXXX); chmod 755 "$tmp"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
app=$(free_port); cache=$(free_port)
cp deploy/varnish/default.vcl "$tmp/"
cat > "$tmp/backends.vcl" <<V
backend web1 { .host = "127.0.0.1"; .port = "$app"; }
sub vcl_init { app.add_backend(web1); }
acl purgers { "127.0.0.1"; } acl tls_proxies { "127.0.0.1"; }
V
export DJANGO_DEBUG=false DJANGO_SECRET_KEY="bench-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM"
export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_HSTS_SECONDS=0
export DATABASE_URL="sqlite:///$tmp/db.sqlite3" REDIS_URL=redis://127.0.0.1:6379/13 CACHE_KEY_PREFIX="vbench-$$"
export DJANGO_STATIC_ROOT="$tmp/static" NEWSROOM_HTTP_CACHES="http://127.0.0.1:$cache"
"$python" manage.py migrate --noinput >/dev/null
"$python" manage.py collectstatic --noinput >/dev/null
url=$(NEWSROOM_HTTP_CACHES= "$python" manage.py shell -v 0 -c '
from articles.testing import make_article
print(make_article("Bench story", standfirst="A standfirst " * 10, body="<p>" + "Words of the story. " * 300 + "</p>").get_absolute_url())')
GUNICORN_BIND="127.0.0.1:$app" GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG= "$python" -m gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi >"$tmp/g.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf -o "$tmp/page.html" "http://127.0.0.1:$app$url" && break; sleep 0.5; done
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
cp "$tmp/page.html" "$tmp/static/bench-page.html"   # the same bytes, as a static file
GUNICORN_BIND="127.0.0.1:$app" GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG= "$python" -m gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi >"$tmp/g.log" 2>&1 &
pids+=($!)
varnishd -F -n "$tmp/varnish" -a "127.0.0.1:$cache" -f "$tmp/default.vcl" -s malloc,64m -T none >"$tmp/v.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$cache/static/bench-page.html" && break; sleep 0.5; done
# One MISS then HITs for each (the headers show it).
for path in "$url" /static/bench-page.html; do
  curl -s -o /dev/null -D - "http://127.0.0.1:$cache$path" | grep -iE "^(x-cache|content-length|cache-control)" | tr -d '\r' | tr '\n' ' '; echo " <- $path"
  curl -s -o /dev/null -D - "http://127.0.0.1:$cache$path" | grep -iE "^x-cache" | tr -d '\r'
done
wc -c < "$tmp/page.html"
for round in 1 2 3; do
  for path in "$url" /static/bench-page.html; do
    printf '%s %s: ' "$round" "$path"
    wrk -t2 -c64 -d8s "http://127.0.0.1:$cache$path" | grep -E "Requests/sec|Non-2xx" | tr '\n' ' '; echo
  done
done
printf "gunicorn alone (2 workers, page cache hit) %s: " "$url"; wrk -t2 -c64 -d8s "http://127.0.0.1:$app$url" | grep -E "Requests/sec|Non-2xx" | tr "\n" " "; echo

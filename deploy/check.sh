#!/usr/bin/env bash
# Check the deployment files on this machine.
#
#   deploy/check.sh          compile the VCL (varnishd -C), test the nginx
#                            configuration (nginx -t), load the gunicorn one
#   deploy/check.sh --e2e    and run the whole chain on local ports:
#                            nginx (TLS) -> Varnish -> two gunicorn app
#                            servers -> SQLite (or PostgreSQL) and Redis,
#                            with a task worker; then check that /readyz is
#                            200 through it all, that a page is cached, that
#                            publishing, editing and unpublishing make the
#                            next request fresh, that HTTP redirects, and
#                            that a replaced file's former address redirects
#
# DEPLOY_CHECK_POSTGRES=postgres://postgres@127.0.0.1:5432 runs --e2e on a
# new PostgreSQL database there (dropped at the end) instead of SQLite.
#
# Needs varnish and nginx (apt-get install varnish nginx), openssl, curl;
# --e2e also Redis on 127.0.0.1:6379. Uses .venv (make install). Leaves
# nothing behind: everything lives in a temporary folder, and the processes
# it starts are stopped by their ids.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=$root/.venv/bin/python

tmp=$(mktemp -d /tmp/newsroom-deploy-check.XXXXXX)
chmod 755 "$tmp"  # nginx and varnishd's workers run as other users
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$tmp/nginx.pid" ]; then kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if [ -n "${database:-}" ]; then
    psql -q "$DEPLOY_CHECK_POSTGRES/postgres" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ok() { printf 'ok: %s\n' "$1"; }
fail() { printf 'FAILED: %s\n' "$1" >&2; exit 1; }

app1=$(free_port); app2=$(free_port); cache=$(free_port)
http=$(free_port); https=$(free_port)

# Varnish: the shipped VCL with a backends.vcl for this machine.
cp deploy/varnish/default.vcl "$tmp/default.vcl"
cat > "$tmp/backends.vcl" <<EOF
backend web1 { .host = "127.0.0.1"; .port = "$app1";
  .probe = { .url = "/healthz"; .interval = 1s; .window = 3; .threshold = 2; .initial = 2; } }
backend web2 { .host = "127.0.0.1"; .port = "$app2";
  .probe = { .url = "/healthz"; .interval = 1s; .window = 3; .threshold = 2; .initial = 2; } }
sub vcl_init { app.add_backend(web1); app.add_backend(web2); }
acl purgers { "127.0.0.1"; "::1"; }
acl tls_proxies { "127.0.0.1"; "::1"; }
EOF
varnishd -C -f "$tmp/default.vcl" >/dev/null 2>"$tmp/vcc.log" \
  || { cat "$tmp/vcc.log"; fail "deploy/varnish/default.vcl does not compile"; }
ok "varnishd -C: deploy/varnish/default.vcl compiles ($(varnishd -V 2>&1 | head -1))"

# nginx: deploy/nginx.conf on local ports, a self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
mkdir -p "$tmp/static" "$tmp/media" "$tmp/nginx-temp"
sed -e "s|listen 80;|listen 127.0.0.1:$http;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|/etc/letsencrypt/live/news.example.org/fullchain.pem|$tmp/cert.pem|" \
    -e "s|/etc/letsencrypt/live/news.example.org/privkey.pem|$tmp/key.pem|" \
    -e "s|server 127.0.0.1:6081;|server 127.0.0.1:$cache;|" \
    -e "s|server 10.0.0.11:8000|server 127.0.0.1:$app1|" \
    -e "s|server 10.0.0.12:8000|server 127.0.0.1:$app2|" \
    -e "s|/srv/newsroom/|$tmp/|g" \
    -e "s|news.example.org|localhost|g" \
    deploy/nginx.conf > "$tmp/newsroom.conf"
cat > "$tmp/nginx-main.conf" <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log $tmp/nginx-access.log;
  client_body_temp_path $tmp/nginx-temp/body;
  proxy_temp_path $tmp/nginx-temp/proxy;
  fastcgi_temp_path $tmp/nginx-temp/fastcgi;
  uwsgi_temp_path $tmp/nginx-temp/uwsgi;
  scgi_temp_path $tmp/nginx-temp/scgi;
  include $tmp/newsroom.conf;
}
EOF
nginx -t -q -c "$tmp/nginx-main.conf" -e "$tmp/nginx-error.log" 2>&1 \
  || { cat "$tmp/nginx-error.log"; fail "deploy/nginx.conf does not pass nginx -t"; }
ok "nginx -t: deploy/nginx.conf is valid ($(nginx -v 2>&1))"

"$python" -m gunicorn --config deploy/gunicorn.conf.py --check-config newsroom.wsgi \
  2>/dev/null || DJANGO_DEBUG=true "$python" -m gunicorn --config deploy/gunicorn.conf.py \
  --check-config newsroom.wsgi
ok "gunicorn --check-config: deploy/gunicorn.conf.py loads"

[ "${1:-}" = "--e2e" ] || exit 0

# The site in production mode, on SQLite and Redis.
redis-cli -h 127.0.0.1 ping >/dev/null || fail "--e2e needs Redis on 127.0.0.1:6379"
export DJANGO_DEBUG=false DJANGO_SECRET_KEY="deploy-check-$RANDOM-$RANDOM-$RANDOM-$RANDOM"
export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 DJANGO_BEHIND_TLS_PROXY=true
# SQLite: writers (the worker, the commands below) wait for each other.
export DATABASE_URL="sqlite:///$tmp/db.sqlite3?timeout=20&transaction_mode=IMMEDIATE"
export REDIS_URL=redis://127.0.0.1:6379/13
if [ -n "${DEPLOY_CHECK_POSTGRES:-}" ]; then
  database="newsroom_deploy_check_$$"
  psql -q "$DEPLOY_CHECK_POSTGRES/postgres" -c "CREATE DATABASE $database"
  DATABASE_URL="$DEPLOY_CHECK_POSTGRES/$database"
fi
export CACHE_KEY_PREFIX="deploy-check-$$" DJANGO_STATIC_ROOT="$tmp/static"
export DJANGO_MEDIA_ROOT="$tmp/media" NEWSROOM_HTTP_CACHES="http://127.0.0.1:$cache"
export NEWSROOM_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR NEWSROOM_CLIENT_IP_PROXIES=2
"$python" manage.py migrate --noinput >/dev/null
"$python" manage.py collectstatic --noinput >/dev/null
chmod -R a+rX "$tmp/static"
url=$(NEWSROOM_HTTP_CACHES= "$python" manage.py shell -v 0 -c '
from articles.testing import make_article
print(make_article("Deploy check story").get_absolute_url())')

for port in "$app1" "$app2"; do
  GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=2 \
    "$python" -m gunicorn --config deploy/gunicorn.conf.py newsroom.wsgi \
    >>"$tmp/gunicorn-$port.log" 2>&1 &
  pids+=($!)
done
"$python" manage.py run_worker >>"$tmp/worker.log" 2>&1 &
pids+=($!)
varnishd -F -n "$tmp/varnish" -a "127.0.0.1:$cache" -f "$tmp/default.vcl" \
  -s malloc,64m -T none >>"$tmp/varnish.log" 2>&1 &
pids+=($!)
nginx -c "$tmp/nginx-main.conf" -e "$tmp/nginx-error.log"

site="https://localhost:$https"
get() { curl -sk --max-time 10 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$site$1"; }
header() { grep -i "^$1:" "$tmp/headers" | tr -d '\r' | cut -d' ' -f2-; }
for _ in $(seq 60); do
  [ "$(curl -sk -o /dev/null -w '%{http_code}' "$site/healthz")" = 200 ] && break
  sleep 0.5
done
sleep 2  # both app servers' probes healthy
for _ in $(seq 30); do
  [ "$(get /readyz)" = 200 ] && break
  sleep 1
done
[ "$(get /readyz)" = 200 ] && [ "$(header X-Cache)" = PASS ] \
  || fail "/readyz through nginx and Varnish: $(cat "$tmp/body")"
ok "/readyz answers 200 through nginx and Varnish, never cached ($(echo "${DATABASE_URL%%:*}"), Redis, a worker)"

redirect=$(curl -s -o /dev/null -w "%{http_code} %{redirect_url}" "http://127.0.0.1:$http$url")
[ "$redirect" \
  = "301 https://127.0.0.1$url" ] || fail "HTTP is not redirected to HTTPS: $redirect"
ok "http:// answers 301 to https://"
[ "$(get /static/favicon.svg)" = 200 ] && [ -z "$(header X-Cache)" ] \
  || fail "nginx does not serve static files itself"
ok "static files come from nginx"

[ "$(get "$url")" = 200 ] && [ "$(header X-Cache)" = MISS ] || fail "first request: $(header X-Cache)"
[ "$(get "$url")" = 200 ] && [ "$(header X-Cache)" = HIT ] || fail "second request not a Varnish hit"
get / >/dev/null; [ "$(get /)" = 200 ] && [ "$(header X-Cache)" = HIT ] || fail "front page not cached"
ok "article and front page cached by Varnish (MISS, then HIT)"

"$python" manage.py shell -v 0 -c '
from articles.models import Article
from articles.testing import make_article
news = make_article(
    "Deploy check breaking news",
    section=Article.objects.get().section,
    status=Article.Status.DRAFT,
)
news.publish()'
# MISS, or PASS when the worker's related lists for the new article moved
# the content version while the page rendered (then Varnish must not keep
# it); never a HIT of the page from before.
[ "$(get /)" = 200 ] && [[ "$(header X-Cache)" =~ ^(MISS|PASS)$ ]] \
  && grep -q "Deploy check breaking news" "$tmp/body" \
  || fail "the front page is stale after a publish: $(cat "$tmp/headers")"
ok "publish: the next front page is fresh"

"$python" manage.py shell -v 0 -c '
from articles.models import Article
story = Article.objects.get(headline="Deploy check story")
story.headline = "Deploy check story, corrected"
story.save()'
[ "$(get "$url")" = 200 ] && grep -q "Deploy check story, corrected" "$tmp/body" \
  || fail "the article page is stale after an edit"
ok "edit: the next article page is fresh"

"$python" manage.py shell -v 0 -c '
from articles.models import Article
Article.objects.get(headline__startswith="Deploy check story").unpublish()'
[ "$(get "$url")" = 404 ] || fail "the article is still served after unpublishing"
get / >/dev/null
! grep -q "Deploy check story" "$tmp/body" || fail "the front page still shows it"
ok "unpublish: the article answers 404 at once, and is off the front page"

read -r former current < <("$python" manage.py shell -v 0 -c '
from attachments.testing import file_bytes, make_attachment, upload
from attachments.uploads import check_upload
report = make_attachment("budget.pdf", title="Deploy check budget")
former = report.file.url
report.attach(check_upload(upload(file_bytes("pdf") + b"%%v2", "budget-v2.pdf")))
report.save()
print(former, report.file.url)')
[ "$(get "$current")" = 200 ] && [ -z "$(header X-Cache)" ] \
  || fail "nginx does not serve the library file $current itself"
[ "$(get "$former")" = 301 ] && [ "$(header Location)" = "$current" ] \
  || fail "the former address of a replaced file does not redirect: $(cat "$tmp/headers")"
ok "media: nginx serves files; a replaced file's former address answers 301 to the new one"

for port in "$app1" "$app2"; do
  pages=$(grep '"GET ' "$tmp/gunicorn-$port.log" | grep -vcE '/(healthz|readyz)' || true)
  [ "$pages" -gt 0 ] || fail "the app server on port $port rendered no page"
  printf '    app server :%s rendered %s pages; e.g. %s\n' "$port" "$pages" \
    "$(grep '"GET ' "$tmp/gunicorn-$port.log" | grep -vE '/(healthz|readyz)' | head -1)"
done
ok "Varnish spreads misses over both app servers"
echo "deploy/check.sh --e2e: all good"

# Varnish in front of Newsroom (docs/operations.md, "A shared HTTP cache").
#
# - Caches only what the application marks cacheable for shared caches
#   (Cache-Control public / s-maxage), for as long as it says: pages for
#   NEWSROOM_CDN_MAX_AGE seconds, static files and media for a year.
# - Never caches for editors (a session or CSRF cookie), nor the admin,
#   previews, the read beacon or the health checks, nor anything with
#   Set-Cookie, private, no-cache or no-store.
# - Purged exactly: the application sends `BAN` with `X-Cache-Tags:
#   newsroom-pages` whenever its content version moves (reading/purge.py), and
#   every page is banned at once. Banned objects are never served, not even
#   in grace. Bans test only obj.* (the ban lurker can clear them).
# - Grace: a page past its TTL is served while it is fetched again in the
#   background (stale-while-revalidate), and for up to an hour while the app
#   servers are down (their /healthz probe fails).
# - Never kept past the next scheduled publication (X-Expires-At).
# - A GET, HEAD or read beacon that got no answer from an app server (killed,
#   not yet marked sick by its probe) is sent again, twice at most, each time
#   to another app server than the ones that failed it (while there is one).
#
# Compile it: varnishd -C -f deploy/varnish/default.vcl (deploy/check.sh
# does it with a backends.vcl for this machine).

vcl 4.1;

import directors;
import std;

# The app servers' director: backends.vcl adds each app server to it. A
# shard director, so that a retry can ask it for another app server than
# the one that failed (vcl_backend_fetch); each fetch draws by a key of its
# own (a hash of its id), which spreads fetches evenly.
sub vcl_init {
    new app = directors.shard();
}

# Backends (the app servers, added to `app`), and the acls `purgers` and
# `tls_proxies`.
include "./backends.vcl";

sub vcl_init {
    # Each app server at many places on the director's ring, so that random
    # keys share fetches out evenly (the default, 67, gave 41 % / 59 % to
    # two app servers).
    app.reconfigure(replicas=500);
}

sub vcl_recv {
    # The director itself: healthy while one of its app servers is.
    set req.backend_hint = app.backend(resolve=LAZY);

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Cache-Tags) {
            # One tag (newsroom-pages, article-123), matched whole.
            if (req.http.X-Cache-Tags !~ "^[A-Za-z0-9_.:-]+$") {
                return (synth(400, "Bad tag"));
            }
            std.ban("obj.http.X-Cache-Tags ~ (^|\s)" + req.http.X-Cache-Tags + "(\s|$)");
        } else {
            # BAN /some/path/ bans that address and every one below it.
            std.ban("obj.http.X-Url ~ ^" + req.url);
        }
        if (std.ban_error() != "") {
            return (synth(400, std.ban_error()));
        }
        return (synth(200, "Banned"));
    }

    if (req.method == "POST" && req.url == "/beacon/view/") {
        # Its small body kept, so that vcl_backend_error can retry it.
        std.cache_req_body(4KB);
    }
    if (client.ip !~ tls_proxies) {
        unset req.http.X-Forwarded-Proto;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|preview|beacon|healthz|readyz)(/|\?|$)") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Editors are signed in: their pages are their own.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=") {
        return (pass);
    }
    # Readers' other cookies (analytics) change nothing the app renders.
    unset req.http.Cookie;

    # Up to the page's stale-while-revalidate (NEWSROOM_CDN_STALE_SECONDS)
    # while the app servers answer; all its grace (an hour) when they do not.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # Pages hold absolute addresses: https and http are two pages.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_backend_fetch {
    if (bereq.retries == 0) {
        # Kept over retries: each try of this fetch draws from the same order.
        set bereq.http.X-Fetch-Key = app.key(bereq.xid);
        unset bereq.http.X-Failed-Backend;
    }
    # The first healthy app server in this key's order; on a retry, the
    # next one (alt), or the one after if the next is the one that failed
    # the last try (another came back healthy in between). With a single
    # app server, that one again.
    set bereq.backend = app.backend(by=KEY, key=std.integer(bereq.http.X-Fetch-Key, 0),
        alt=bereq.retries, healthy=ALL, resolve=NOW);
    if (bereq.retries > 0 && bereq.http.X-Failed-Backend == "" + bereq.backend) {
        set bereq.backend = app.backend(by=KEY, key=std.integer(bereq.http.X-Fetch-Key, 0),
            alt=bereq.retries + 1, healthy=ALL, resolve=NOW);
    }
}

sub vcl_backend_response {
    # Only what the app marks as cacheable by shared caches is stored.
    if (beresp.http.Set-Cookie
        || !beresp.http.Cache-Control
        || beresp.http.Cache-Control ~ "(?i)(private|no-cache|no-store)"
        || beresp.http.Cache-Control !~ "(?i)(public|s-maxage)"
        || beresp.status != 200) {
        # Remember not to wait for other requests of it (hit-for-miss).
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }

    # s-maxage=0: the page rendered while the content changed (its purge may
    # have come first); not stored, not even for grace.
    if (beresp.ttl <= 0s) {
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }

    # For bans (lurker-friendly: obj.* only).
    set beresp.http.X-Url = bereq.url;
    if (beresp.http.Surrogate-Key) {
        set beresp.http.X-Cache-Tags = beresp.http.Surrogate-Key;
    } elsif (bereq.url !~ "^/(static|media)/") {
        # Whatever else the app marked cacheable (the API) goes with pages.
        set beresp.http.X-Cache-Tags = "newsroom-pages";
    }

    # beresp.ttl comes from s-maxage (or max-age), beresp.grace from
    # stale-while-revalidate; keep graced copies for outages (see vcl_recv).
    set beresp.grace = 1h;

    # Not past the second the next scheduled article goes live, and no grace
    # then: its pages must show it from that second.
    if (beresp.http.X-Expires-At) {
        if (std.time(beresp.http.X-Expires-At, now + 1y) - now < beresp.ttl) {
            set beresp.ttl = std.time(beresp.http.X-Expires-At, now + 1y) - now;
            set beresp.grace = 0s;
        }
        if (beresp.ttl <= 0s) {
            set beresp.uncacheable = true;
            set beresp.ttl = 0s;
        }
    }
    return (deliver);
}

sub vcl_backend_error {
    # No answer from the app server (killed, restarting, not yet marked sick
    # by its probe): again, on another one (vcl_backend_fetch), twice at
    # most. Only for requests that change nothing, and the read beacon (a
    # repeat read is not counted).
    if (bereq.retries < 2
        && (bereq.method == "GET" || bereq.method == "HEAD"
            || bereq.url == "/beacon/view/")) {
        set bereq.http.X-Failed-Backend = beresp.backend.name;
        return (retry);
    }
}

sub vcl_deliver {
    unset resp.http.X-Url;
    unset resp.http.X-Cache-Tags;
    unset resp.http.X-Expires-At;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

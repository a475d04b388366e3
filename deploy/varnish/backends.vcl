# The site-specific part of deploy/varnish/default.vcl, which includes it:
# the app servers, and who may purge. This one is compose.yaml's (the
# service "web", scaled to any number of containers, is one address). On
# machines of your own, list each app server and add it to the director
# `app` (default.vcl creates it).

backend web1 {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
    # Liveness only: a server whose database is down still serves its
    # cached pages (and Varnish its stale ones, see default.vcl).
    .probe = {
        .url = "/healthz";
        .timeout = 2s;
        .interval = 5s;
        .window = 5;
        .threshold = 3;
    }
}

# backend web2 { .host = "10.0.0.12"; .port = "8000"; ... }

sub vcl_init {
    app.add_backend(web1);
    # app.add_backend(web2);
}

# Who may send PURGE and BAN: the app servers and task workers (they send a
# BAN whenever the content changes). Keep it to your own network.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

# Proxies in front that terminate TLS (nginx) and may say so with
# X-Forwarded-Proto; from anyone else the header is dropped.
acl tls_proxies {
    "localhost";
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

"""Write the nginx configuration for this deployment from training.conf.template.

    python deploy/nginx/render.py > /etc/nginx/sites-available/training

Settings come from the environment (defaults in brackets): SERVER_NAME [_], HTTP_LISTEN [80],
HTTPS_LISTEN [443], TLS_CERTIFICATE and TLS_CERTIFICATE_KEY (required), APP_SERVERS, the app
servers' addresses separated by commas [127.0.0.1:8000], STATIC_ROOT, MEDIA_ROOT and
PRIVATE_ROOT (the app's directories, default under the checkout), DOCUMENT_MAX_UPLOAD_MB [500],
as the app reads them, and FORM_MAX_UPLOAD_MB [20] for every upload outside the admin.
tests/deploy/test_nginx.py renders it the same way.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def render(environ=os.environ) -> str:
    def setting(name: str, default: str | None = None) -> str:
        value = environ.get(name, default)
        if value is None:
            sys.exit(f"{name} must be set to render the nginx configuration.")
        return value

    https_listen = setting("HTTPS_LISTEN", "443")
    https_port = https_listen.rsplit(":", 1)[-1]
    servers = [address.strip() for address in setting("APP_SERVERS", "127.0.0.1:8000").split(",")]
    upstreams = [f"server {address} max_fails=2 fail_timeout=10s;" for address in servers if address]
    values = {
        "SERVER_NAME": setting("SERVER_NAME", "_"),
        "HTTP_LISTEN": setting("HTTP_LISTEN", "80"),
        "HTTPS_LISTEN": https_listen,
        "HTTPS_PORT_SUFFIX": "" if https_port == "443" else f":{https_port}",
        "TLS_CERTIFICATE": setting("TLS_CERTIFICATE"),
        "TLS_CERTIFICATE_KEY": setting("TLS_CERTIFICATE_KEY"),
        "UPSTREAM_SERVERS": "\n    ".join(upstreams),
        "STATIC_ROOT": setting("STATIC_ROOT", str(ROOT / "static_collected")).rstrip("/"),
        "MEDIA_ROOT": setting("MEDIA_ROOT", str(ROOT / "media")).rstrip("/"),
        "PRIVATE_ROOT": setting("PRIVATE_ROOT", str(ROOT / "private")).rstrip("/"),
        "ERRORS_ROOT": str(HERE / "errors"),
        "MAX_UPLOAD_MB": setting("DOCUMENT_MAX_UPLOAD_MB", "500"),
        "FORM_MAX_UPLOAD_MB": setting("FORM_MAX_UPLOAD_MB", "20"),
    }
    template = (HERE / "training.conf.template").read_text(encoding="utf-8")
    # Only ${UPPER_CASE} placeholders: nginx's own $variables pass through untouched.
    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: values[match.group(1)], template)


def local_proxy(
    work: Path,
    *,
    https_port: int,
    http_port: int,
    app_servers: str,
    access_log: bool = False,
    **directories: str,
) -> Path:
    """Everything to run the proxy on 127.0.0.1 from `work`: a throwaway certificate for
    127.0.0.1, the site rendered for it and a main configuration (`standalone`). Returns the
    main configuration's path, for `nginx -c <path> -p <work>`. `directories` are MEDIA_ROOT,
    PRIVATE_ROOT, STATIC_ROOT and DOCUMENT_MAX_UPLOAD_MB as the app is given them; with
    `access_log`, each request is logged with the app servers it was passed to (`work`/access.log)."""
    work.mkdir(parents=True, exist_ok=True)
    certificate, key = work / "tls.crt", work / "tls.key"
    if not certificate.exists():
        subprocess.run(  # noqa: S603 - Debian's openssl with our own arguments
            [shutil.which("openssl") or "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
             "-nodes", "-days", "3650", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )  # fmt: skip
    site = render(
        {
            "SERVER_NAME": "127.0.0.1",
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            "APP_SERVERS": app_servers,
            **{name: value for name, value in directories.items() if value},
        }
    )
    (work / "site.conf").write_text(site, encoding="utf-8")
    (work / "nginx.conf").write_text(standalone(work / "site.conf", work, access_log), encoding="utf-8")
    return work / "nginx.conf"


# Which app servers a request went to, and what each answered: "a, b" is a request nginx passed
# on to a second server.
UPSTREAM_LOG_FORMAT = '$msec $request_method $status "$request_uri" "$upstream_addr" "$upstream_status"'


def standalone(site_conf: Path, work: Path, access_log: bool = False) -> str:
    """A main nginx.conf that runs the site configuration in the foreground with everything it
    writes (pid, logs, buffered bodies) under `work`: for the proxy test, the benchmark and a
    local cluster, where nginx is started by a test or script rather than by systemd."""
    logging = (
        f"log_format upstreams '{UPSTREAM_LOG_FORMAT}';\n    access_log {work / 'access.log'} upstreams;"
        if access_log
        else "access_log off;"
    )
    temp = work / "nginx-temp"
    temp.mkdir(parents=True, exist_ok=True)
    # Started as root (a test machine), the workers would otherwise run as nobody and could not
    # read the app's files, written 0640.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 2;
daemon off;
pid {work / "nginx.pid"};
error_log {work / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    {logging}
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    tcp_nopush on;
    include {site_conf};
}}
"""


if __name__ == "__main__":
    sys.stdout.write(render())

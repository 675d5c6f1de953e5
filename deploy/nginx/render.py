"""Write the nginx configuration for this deployment from training.conf.template.

    python deploy/nginx/render.py > /etc/nginx/sites-available/training

Settings come from the environment (defaults in brackets): SERVER_NAME [_], HTTP_LISTEN [80],
HTTPS_LISTEN [443], TLS_CERTIFICATE and TLS_CERTIFICATE_KEY (required), APP_SERVERS, the app
servers' addresses separated by commas [127.0.0.1:8000], STATIC_ROOT, MEDIA_ROOT and
PRIVATE_ROOT (the app's directories, default under the checkout), DOCUMENT_MAX_UPLOAD_MB [500],
as the app reads them. tests/deploy/test_nginx.py renders it the same way.
"""

import os
import re
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
    }
    template = (HERE / "training.conf.template").read_text(encoding="utf-8")
    # Only ${UPPER_CASE} placeholders: nginx's own $variables pass through untouched.
    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: values[match.group(1)], template)


if __name__ == "__main__":
    sys.stdout.write(render())

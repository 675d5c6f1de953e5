import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .network import free_port, process_stop

CAS_SERVER_PROJECT = Path(__file__).resolve().parent / "cas_server"
STARTUP_SECONDS = 30


@pytest.fixture(scope="session")
def cas_server_url(tmp_path_factory):
    """A real CAS server (django-cas-server) on 127.0.0.1, for the whole session: its URL."""
    if importlib.util.find_spec("cas_server") is None:
        pytest.skip("django-cas-server is not installed (pip install -r requirements-dev.txt)")
    workdir = tmp_path_factory.mktemp("cas-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/cas/"
    output = (workdir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our interpreter and script
        [sys.executable, str(CAS_SERVER_PROJECT / "serve.py"), str(port)],
        cwd=CAS_SERVER_PROJECT,
        env={
            **{name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"},
            "CAS_TEST_DATABASE": str(workdir / "cas.sqlite3"),
        },
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"the CAS server exited:\n{(workdir / 'server.log').read_text()}")
            try:
                if requests.get(f"{url}login", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the CAS server did not start:\n{(workdir / 'server.log').read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process_stop(server, timeout=10)
        output.close()

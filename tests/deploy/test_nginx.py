"""The production proxy as deployed (docs/deployment.md): Debian's nginx with the repository's
configuration (deploy/nginx/), in front of gunicorn under production settings, on 127.0.0.1
with a throwaway certificate. Course media and certificates reach the browser only after the
app's check, and then from nginx, with byte ranges for the video player."""

import http.client
import os
import re
import shutil
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from demo.people import DEMO_PASSWORD
from deploy.local import ROOT, free_port, gunicorn_command
from deploy.nginx.render import local_proxy

NGINX = shutil.which("nginx")
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make test-tools installs it)")
UPLOAD_LIMIT_MB = 64
LECTURE_MB = 40
MEDIA_PROBE_MB = 70


def _run(command: list[str], **options) -> None:
    subprocess.run(command, check=True, capture_output=True, **options)  # noqa: S603 - our own tools


def _start(command: list[str], log: Path, **options) -> subprocess.Popen:
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **options)  # noqa: S603


def _wait_for(url: str, certificate: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5, verify=certificate, allow_redirects=False)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    base_url = f"https://127.0.0.1:{https_port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_ROOT": str(work / "private"),
        "STATIC_ROOT": str(work / "static"),
        "SECRET_KEY": "nginx-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": base_url,
        "CSRF_TRUSTED_ORIGINS": base_url,
        "PROXY_COUNT": "1",
        # Two-factor sign-in has its own tests (tests/people/test_second_factor.py and the
        # browser journey); the proxy's tests sign the trainer in with the password alone.
        "MFA_REQUIRED_FOR_STAFF": "false",
        "DOCUMENT_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    development = {**env, "DJANGO_SETTINGS_MODULE": "training_site.settings.dev"}
    production = {**env, "DJANGO_SETTINGS_MODULE": "training_site.settings.production"}
    for command, settings in (
        (["migrate", "--no-input"], development),
        (["load_demo_data"], development),
        (["collectstatic", "--no-input"], production),
    ):
        _run([*manage, *command], cwd=ROOT, env=settings)
    nginx_conf = local_proxy(
        work,
        https_port=https_port,
        http_port=http_port,
        app_servers=f"127.0.0.1:{app_port}",
        MEDIA_ROOT=env["MEDIA_ROOT"],
        PRIVATE_ROOT=env["PRIVATE_ROOT"],
        STATIC_ROOT=env["STATIC_ROOT"],
        DOCUMENT_MAX_UPLOAD_MB=str(UPLOAD_LIMIT_MB),
    )
    gunicorn = _start(
        gunicorn_command(bind=f"127.0.0.1:{app_port}", workers=2, error_log=work / "gunicorn-errors.log"),
        work / "gunicorn.log",
        cwd=ROOT,
        env=production,
    )
    nginx = _start([NGINX, "-c", str(nginx_conf), "-p", str(work)], work / "nginx.log")
    try:
        _wait_for(f"http://127.0.0.1:{app_port}/healthz/live", work / "tls.crt")
        _wait_for(base_url + "/healthz", work / "tls.crt")
        yield {
            "url": base_url,
            "http_port": http_port,
            "work": work,
            "media": Path(env["MEDIA_ROOT"]),
            "database": work / "db.sqlite3",
            "gunicorn": gunicorn.pid,
        }
    finally:
        for process in (nginx, gunicorn):
            process.send_signal(signal.SIGTERM)
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _session(site) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the certificate below
    session.verify = str(site["work"] / "tls.crt")  # the test's own certificate, for 127.0.0.1
    return session


def _signed_in(site, login: str) -> requests.Session:
    session = _session(site)
    form = session.get(site["url"] + "/accounts/login/")
    assert form.status_code == 200, (form.status_code, form.text[:3000])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        site["url"] + "/accounts/login/",
        data={"login": login, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": site["url"] + "/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


@pytest.fixture(scope="module")
def official(site):
    return _signed_in(site, "official")


@pytest.fixture(scope="module")
def lesson_media(site, official):
    """The demo video lesson's URLs, as its page gives them to the signed-in official."""
    home = official.get(site["url"] + "/courses/")
    assert home.status_code == 200
    for course_url in dict.fromkeys(re.findall(r'href="(/courses/[\w-]+/)"', home.text)):
        course = official.get(site["url"] + course_url)
        for lesson_url in dict.fromkeys(re.findall(rf'href="({course_url}[\w-]+/)"', course.text)):
            page = official.get(site["url"] + lesson_url).text
            video = re.search(r'<source src="([^"]+)" type="video/mp4"', page)
            image = re.search(r'<img[^>]+src="(/media/images/[^"]+)"', page)
            if video and image:
                return {"lesson": lesson_url, "video": video.group(1), "image": image.group(1)}
    raise AssertionError("no demo lesson with a video and an image")


@pytest.fixture(scope="module")
def certificate_url(site, official):
    mine = official.get(site["url"] + "/certificates/").text
    return re.search(r'href="(/certificates/\d+/download)"', mine).group(1)


def test_plain_http_is_sent_to_https(site):
    plain = f"http://127.0.0.1:{site['http_port']}/courses/"
    response = requests.get(plain, allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == site["url"] + "/courses/"


def test_a_signed_in_official_sees_the_lesson_image(site, official, lesson_media):
    response = official.get(site["url"] + lesson_media["image"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"].startswith("private")


def test_the_video_answers_ranges_from_nginx(site, official, lesson_media):
    data = (ROOT / "demo" / "assets" / "demo-lesson.mp4").read_bytes()
    response = official.get(site["url"] + lesson_media["video"], headers={"Range": "bytes=40000-40999"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 40000-40999/{len(data)}"
    assert response.headers["Content-Length"] == "1000"
    assert response.content == data[40000:41000]
    assert response.headers["Content-Type"] == "video/mp4"
    assert "X-Accel-Redirect" not in response.headers
    whole = official.get(site["url"] + lesson_media["video"])
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.content == data
    # The player's conditional requests are answered by nginx as well.
    etag = whole.headers["ETag"]
    again = official.get(site["url"] + lesson_media["video"], headers={"If-None-Match": etag})
    assert again.status_code == 304
    changed = official.get(
        site["url"] + lesson_media["video"], headers={"Range": "bytes=0-9", "If-Range": '"older"'}
    )
    assert changed.status_code == 200 and len(changed.content) == len(data)


def test_anonymous_requests_get_nothing(site, lesson_media, certificate_url):
    anonymous = _session(site)
    for path in (lesson_media["video"], lesson_media["image"], certificate_url):
        response = anonymous.get(site["url"] + path, allow_redirects=False, headers={"Range": "bytes=0-99"})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/accounts/login/"), path
    # The internal locations cannot be asked for directly.
    media_files = [p for p in site["media"].rglob("*") if p.is_file()]
    assert media_files
    for path in media_files[:5]:
        relative = path.relative_to(site["media"]).as_posix()
        assert anonymous.get(f"{site['url']}/_protected/media/{relative}").status_code == 404
    private_files = list((site["work"] / "private").rglob("*.pdf"))
    assert private_files
    relative = private_files[0].relative_to(site["work"] / "private").as_posix()
    assert anonymous.get(f"{site['url']}/_protected/private/{relative}").status_code == 404


def test_the_certificate_only_through_its_checked_url(site, official, certificate_url):
    mine = official.get(site["url"] + certificate_url)
    assert mine.status_code == 200
    assert mine.content.startswith(b"%PDF")
    assert mine.headers["Content-Type"] == "application/pdf"
    assert re.search(r'filename="\d{4}-[\w-]+-\d{6}\.pdf"', mine.headers["Content-Disposition"])
    other = _signed_in(site, "D0001")
    assert other.get(site["url"] + certificate_url, allow_redirects=False).status_code == 404
    # Under the old guessable name, nothing.
    serial = re.search(r'filename="([^"]+)\.pdf"', mine.headers["Content-Disposition"]).group(1)
    guess = official.get(f"{site['url']}/media/certificates/{serial[:4]}/{serial}.pdf", allow_redirects=False)
    assert guess.status_code == 404


def test_static_files_come_from_nginx_with_long_caching(site, official):
    page = official.get(site["url"] + "/courses/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1)
    response = official.get(site["url"] + stylesheet)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_an_upload_above_the_limit_gets_a_chinese_page(site):
    response = _session(site).post(
        site["url"] + "/admin/documents/multiple/add/",
        data=b"x" * (UPLOAD_LIMIT_MB * 1024 * 1024 + 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 413
    response.encoding = "utf-8"
    assert "文件太大" in response.text


def test_outside_the_admin_an_upload_is_limited_to_what_forms_take(site, official):
    """Only the admin takes lecture videos; the site's forms (evidence of offline training)
    refuse a body beyond FORM_MAX_UPLOAD_MB (20) before it reaches an app server."""
    response = official.post(
        site["url"] + "/offline-training/",
        data=b"x" * (21 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 413


def _worker_peaks_mb(master_pid: int) -> dict[int, float]:
    """Each gunicorn worker's largest resident size so far (VmHWM), by pid."""
    peaks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == master_pid:
                status = (stat.parent / "status").read_text()
                peaks[int(stat.parent.name)] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        except (OSError, AttributeError):
            continue
    return peaks


def test_a_trainer_uploads_a_large_video_without_the_app_holding_it_in_memory(site, tmp_path):
    trainer = _session(site)
    login = trainer.get(site["url"] + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    signed_in = trainer.post(
        site["url"] + "/accounts/login/",
        data={"login": "trainer", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": site["url"] + "/accounts/login/"},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302
    form = trainer.get(site["url"] + "/admin/documents/add/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    collection = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text)
    lecture = tmp_path / "lecture.mp4"
    with lecture.open("wb") as handle:
        for _ in range(LECTURE_MB):
            handle.write(os.urandom(1024 * 1024))
    before = _worker_peaks_mb(site["gunicorn"])
    with lecture.open("rb") as handle:
        response = trainer.post(
            site["url"] + "/admin/documents/add/",
            data={
                "csrfmiddlewaretoken": token,
                "title": "第三讲 网络舆情研判（完整录像）",
                **({"collection": collection.group(1)} if collection else {}),
            },
            files={"file": ("lecture.mp4", handle, "video/mp4")},
            headers={"Referer": site["url"] + "/admin/documents/add/"},
            allow_redirects=False,
        )
    assert response.status_code == 302, response.text[:2000]
    stored = list((site["media"] / "documents").glob("lecture*.mp4"))
    assert stored and stored[0].stat().st_size == LECTURE_MB * 1024 * 1024
    after = _worker_peaks_mb(site["gunicorn"])
    growth = max(after[pid] - before.get(pid, after[pid]) for pid in after)
    # This site runs tasks in the web worker, so reading the video's length (MediaInfo, a fixed
    # cost whatever the file's size; a task worker's in production) is counted here too.
    limit = LECTURE_MB / 4 + MEDIA_PROBE_MB
    assert growth < limit, f"a worker grew by {growth:.0f} MB for a {LECTURE_MB} MB upload"


def _from_address(site, source: str, method: str, path: str, body: str = "", headers=None, cookie: str = ""):
    """A request to the proxy from another loopback address (Linux answers all of 127/8), so
    that the client's address differs from the proxy's own 127.0.0.1."""
    context = ssl.create_default_context(cafile=str(site["work"] / "tls.crt"))
    port = int(site["url"].rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection("127.0.0.1", port, source_address=(source, 0), context=context)
    all_headers = {"Cookie": cookie, **(headers or {})}
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    return response, response.read().decode()


def test_the_app_sees_the_clients_address_and_never_one_the_client_sent(site):
    """PROXY_COUNT=1: login records (and lockout, rate limits, audit rows, which read the
    address the same way) name the address nginx saw, not the proxy's, and a client's own
    X-Forwarded-For or X-Real-IP is ignored."""
    form, html = _from_address(site, "127.0.0.3", "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = "; ".join(
        header.split(";", 1)[0] for name, header in form.getheaders() if name.lower() == "set-cookie"
    )
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}
    response, _page = _from_address(
        site,
        "127.0.0.3",
        "POST",
        "/accounts/login/",
        body=f"login=official&password=wrong-password&csrfmiddlewaretoken={token}",
        headers={
            **spoofed,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": site["url"] + "/accounts/login/",
        },
        cookie=cookie,
    )
    assert response.status == 200  # the form again, with its error
    with sqlite3.connect(site["database"]) as database:
        address = database.execute(
            "SELECT ip_address FROM people_loginevent WHERE identifier = 'official' AND NOT succeeded "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert address == ("127.0.0.3",)

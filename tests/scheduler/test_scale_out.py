"""The scale-out set-up of the README, on one machine: two app servers (gunicorn) and two
schedulers on one PostgreSQL database. A session opened on one server works on the other (and a
logout on either ends it on both); every job slot runs exactly once, on the active scheduler,
and the standby takes over when the active one is killed."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings

from accounts.models import User
from scheduler.models import JobRun
from tests.processes import free_port, kill_and_wait_for_takeover, stop, wait_for_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _environment() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",  # the same settings (and secret key) on every process
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        SCHEDULER_HEARTBEAT_SECONDS="2", SCHEDULER_STANDBY_POLL_SECONDS="0.5",
    )
    return env


def _start(command, env, log_path):
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log_path.open("w"),
                            stderr=subprocess.STDOUT)


class Browser:
    """A cookie jar shared by requests to both servers, as a browser behind a load balancer."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, url):
        return self.opener.open(url, timeout=20)

    def post(self, url, data):
        token = next(c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        return self.opener.open(request, timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def test_two_app_servers_and_two_schedulers_on_one_database(tmp_path):
    User.objects.create_user("phan.tan", "Mot-mat-khau-2026", full_name="Phan Văn Tán")
    env = _environment()
    ports = [free_port(), free_port()]
    servers = [
        _start([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
               env, tmp_path / f"app-{port}.log")
        for port in ports
    ]
    schedulers = []
    try:
        schedulers.append(_start([sys.executable, "manage.py", "runscheduler"], env, tmp_path / "scheduler-1.log"))
        time.sleep(1.5)
        schedulers.append(_start([sys.executable, "manage.py", "runscheduler"], env, tmp_path / "scheduler-2.log"))
        for port in ports:
            wait_for_port(port)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)

        # Sign in on the first server …
        browser = Browser()
        login_page = browser.get(f"{first}/accounts/login/").read().decode()
        assert "csrfmiddlewaretoken" in login_page
        answer = browser.post(f"{first}/accounts/login/", {"username": "phan.tan", "password": "Mot-mat-khau-2026"})
        assert answer.status == 302 and not answer.headers["Location"].startswith("/accounts/login")
        # … and the second server knows the session.
        me = browser.get(f"{second}/api/v1/me/")
        assert me.status == 200 and "Phan Văn Tán" in me.read().decode()
        # A logout on the second ends the session on the first too.
        browser.get(f"{second}/")  # a fresh CSRF token from the second server
        assert browser.post(f"{second}/accounts/logout/", {}).status == 302
        with pytest.raises(urllib.error.HTTPError) as refused:
            browser.get(f"{first}/api/v1/me/")
        assert refused.value.code in (401, 403)

        time.sleep(8)
        leader, standby = schedulers
        runs = list(JobRun.objects.filter(job_id="scheduler.heartbeat").order_by("scheduled_for")
                    .values_list("scheduled_for", "pid"))
        slots = [slot for slot, _pid in runs]
        assert len(slots) >= 3
        assert len(slots) == len(set(slots))  # each slot once …
        assert all(b - a == timedelta(seconds=2) for a, b in pairwise(slots))  # … and none missed
        assert {pid for _slot, pid in runs} == {leader.pid}  # only the active scheduler runs jobs
        assert "standby" in (tmp_path / "scheduler-2.log").read_text()

        # The active scheduler dies without warning: the standby takes over, still once per slot.
        assert kill_and_wait_for_takeover(leader, standby)
        every = list(JobRun.objects.values_list("job_id", "scheduled_for"))
        assert len(every) == len(set(every))
        # Jobs ran in the schedulers only, never in an app server.
        assert set(JobRun.objects.values_list("pid", flat=True)) <= {leader.pid, standby.pid}
    finally:
        stop([*schedulers, *servers])
    logs = "".join(path.read_text() for path in tmp_path.glob("app-*.log"))
    assert not re.search(r"Traceback|\[ERROR\]", logs), logs

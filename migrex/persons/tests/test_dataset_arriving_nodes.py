"""Issue 14 with real node processes. While another connection holds BY's write lock, or while
BY receives a large dataset, its officers' pages and its JSON API answer 200 at once (the
bookkeeping writes of a read — a session's expiry, a token's last use — give way; the dataset
is stored in short transactions). A receiver killed mid-stream leaves nothing visible, and the
sender's next try is accepted once, what the killed one staged removed."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from migrex.exchange.tests.queued import FAST_RETRIES
from migrex.shell.nodes import ROOT, pair

pytestmark = pytest.mark.nodes

PROMPT = 5.0  # seconds: at once, for a page; before, a read under the lock took 20 s, then failed
LARGE = 60_000  # records: stored in one transaction, they held the lock some 15 s on this machine
RECORD = {
    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
    "given_name": {"cyrillic": "Арам", "latin": "Aram"},
    "birth_date": "1990-01-05",
    "citizenship": ["AM", "KZ"],
}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, node_databases):
    kz, by = pair(tmp_path_factory.mktemp("nodes"), database_urls=tuple(node_databases))
    kz.extra_env.update(FAST_RETRIES)
    by.start(worker=False)
    yield kz, by
    by.stop()


def scalar(node, sql: str):
    """One value read straight from the node's database, as another program would."""
    if node.database_url:
        import psycopg

        with psycopg.connect(node.database_url) as conn:
            return conn.execute(sql).fetchone()[0]
    with contextlib.closing(sqlite3.connect(node.data_dir / "migrex.sqlite3", timeout=30)) as conn:
        return conn.execute(sql).fetchone()[0]


@contextlib.contextmanager
def write_lock_held(node):
    """Another connection holds the write lock meanwhile: SQLite's one lock for the database;
    on PostgreSQL, the tables a read's bookkeeping writes to, locked against every write."""
    if node.database_url:
        import psycopg

        with psycopg.connect(node.database_url) as conn:
            conn.execute("LOCK TABLE accounts_apitoken, django_session IN EXCLUSIVE MODE")
            yield
            conn.rollback()
        return
    conn = sqlite3.connect(node.data_dir / "migrex.sqlite3", isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def signed_in(node, username: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(node.url + "/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": username}
    form["password"] = node.logins[username]
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(  # noqa: S310 - our own node's http URL
        node.url + "/login/", data=body, headers={"Referer": node.url}
    )
    with opener.open(request, timeout=30) as response:
        assert "/login/" not in response.url
    return opener


def get(opener, url: str, token: str = "") -> tuple[int, float]:
    """The status of a GET and its seconds."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own node
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - start


TOKEN_USED = """
from migrex.accounts.models import ApiToken
print(json.dumps([t.last_used_at is not None for t in ApiToken.objects.order_by("pk")]))
"""


def test_pages_and_the_api_answer_at_once_while_another_holds_the_write_lock(nodes):
    _kz, by = nodes
    officer = signed_in(by, "by-operator")
    token = by.token("by-operator")  # never used yet: its first call notes its use
    plain = urllib.request.build_opener()
    with write_lock_held(by):
        for _ in range(2):
            for path in ("/", "/datasets/"):
                status, took = get(officer, by.url + path)
                assert (status, path) == (200, path) and took < PROMPT
            for path in ("/api/v1/agreements", "/api/v1/cases"):
                status, took = get(plain, by.url + path, token)
                assert (status, path) == (200, path) and took < PROMPT
        assert by.python(TOKEN_USED)[-1] is False  # its use not noted: skipped, not waited for
    # The lock released, the officer is still signed in and the token's next use is noted.
    assert get(officer, by.url + "/datasets/")[0] == 200
    assert get(plain, by.url + "/api/v1/agreements", token)[0] == 200
    assert by.python(TOKEN_USED)[-1] is True


class Reads(threading.Thread):
    """An officer's pages and the API, one GET after another, until stopped."""

    def __init__(self, node):
        super().__init__(daemon=True)
        self.node, self.results, self.stop = node, [], threading.Event()
        self.officer, self.token = signed_in(node, "by-operator"), node.token("by-operator")

    def run(self) -> None:
        plain = urllib.request.build_opener()
        while not self.stop.is_set():
            for path in ("/", "/datasets/"):
                self.results.append((path, *get(self.officer, self.node.url + path)))
            for path in ("/api/v1/agreements", "/api/v1/cases"):
                self.results.append((path, *get(plain, self.node.url + path, self.token)))
            time.sleep(0.2)


class LockProbe(threading.Thread):
    """Takes and releases SQLite's write lock every 50 ms: how long each time it waited."""

    def __init__(self, node):
        super().__init__(daemon=True)
        self.path, self.waits, self.stop = node.data_dir / "migrex.sqlite3", [], threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=300, isolation_level=None)
        try:
            while not self.stop.is_set():
                start = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                self.waits.append(time.perf_counter() - start)
                conn.execute("COMMIT")
                time.sleep(0.05)
        finally:
            conn.close()


def queue_dataset(kz, tmp_path, n: int, title: str) -> None:
    source = tmp_path / f"{title}.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for i in range(n):
            person = {**RECORD, "identity_document": [{"series": "AN", "number": f"{i:07d}"}]}
            out.write(json.dumps(person, ensure_ascii=False) + "\n")
    kz.migrex(
        "dataset", "send", str(source), "--agreement", "kz-by-2019", "--from", "kz-mvd",
        "--to", "by-mvd", "--category", "residence_permit", "--title", title,
        "--purpose", "Ст. 3 Соглашения",
    )  # fmt: skip


VISIBLE = "SELECT count(*) FROM persons_dataset WHERE staged_at IS NULL"
STAGED = "SELECT count(*) FROM persons_dataset WHERE staged_at IS NOT NULL"
RECORDS = "SELECT count(*) FROM persons_personrecord"


def test_pages_and_the_api_answer_at_once_while_a_large_dataset_arrives(nodes, tmp_path):
    kz, by = nodes
    visible, records = scalar(by, VISIBLE), scalar(by, RECORDS)
    queue_dataset(kz, tmp_path, LARGE, "Большой набор")
    reads = Reads(by)
    probe = None if by.database_url else LockProbe(by)
    for thread in (reads, probe):
        if thread is not None:
            thread.start()
    try:
        start = time.perf_counter()
        kz.migrex("worker", "--once")  # streams the dataset; returns with BY's receipt
        receiving = time.perf_counter() - start
    finally:
        for thread in (reads, probe):
            if thread is not None:
                thread.stop.set()
                thread.join(timeout=120)
    assert scalar(by, VISIBLE) == visible + 1 and scalar(by, RECORDS) == records + LARGE
    got = [(path, status, round(took, 2)) for path, status, took in reads.results]
    assert len(got) >= 8, f"{len(got)} reads in {receiving:.1f} s of receiving"
    assert all(status == 200 for _, status, _ in got), got
    assert max(took for *_, took in got) < PROMPT, got
    if probe is not None:  # no transaction held the write lock for long
        assert max(probe.waits) < PROMPT, f"the write lock was held {max(probe.waits):.1f} s"


def test_a_receiver_killed_midway_leaves_nothing_visible_and_the_next_try_is_accepted_once(
    nodes, tmp_path
):
    kz, by = nodes
    visible, records = scalar(by, VISIBLE), scalar(by, RECORDS)
    queue_dataset(kz, tmp_path, LARGE, "Набор, прерванный на середине")
    worker = subprocess.Popen(
        [sys.executable, "-m", "migrex.cli", "worker", "--once"],
        env=kz.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while scalar(by, RECORDS) < records + 5000:  # a few chunks stored, the rest to come
            assert time.monotonic() < deadline and worker.poll() is None, "never saw it arrive"
            time.sleep(0.05)
        by.kill("server")  # SIGKILL, as a power cut: nothing of the receiver's clean-up runs
        worker.wait(timeout=120)  # the delivery failed; it is tried again later
    finally:
        if worker.poll() is None:
            worker.kill()
    assert scalar(by, VISIBLE) == visible and scalar(by, STAGED) == 1  # left, seen by no one
    by.start(worker=False)
    deadline = time.monotonic() + 300
    while scalar(by, VISIBLE) == visible:  # the sender's next tries, until one is accepted
        assert time.monotonic() < deadline, "the dataset was not delivered again"
        kz.migrex("worker", "--once")
        time.sleep(0.2)
    assert scalar(by, VISIBLE) == visible + 1 and scalar(by, RECORDS) == records + LARGE
    assert scalar(by, STAGED) == 0  # what the killed receiver staged is gone

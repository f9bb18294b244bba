"""Measurements of conversations and webhooks.

(a) The fan-out of a comment: ``POST /api/v1/comments`` on a feature followed by 10 people and
on one followed by 1,000, as the embedded install runs it: no broker, so once the comment is
saved the fan-out goes to the process's background thread (``core.background``). The request's
time and its queries must not grow with the followers. After each request the bench waits for
the background thread to finish telling them (untimed for the request) and times that too: it
is the background's share, which does grow with them.

(b) Webhook delivery throughput: deliveries per second signed and sent to a receiver on
127.0.0.1 that answers 200, through the same code as the background job (one attempt each,
logged).

The webhook measurement is written inside a transaction that is rolled back; the fan-out has
to commit (the background thread reads what the request saved), so it deletes every row it
added afterwards. Either way the bench data set stays as generated and every run measures the
same thing.
"""

import statistics
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wavelength.accounts.models import Role, User
from wavelength.catalog.models import Feature
from wavelength.conversations.models import Comment, DigestEntry, Follow
from wavelength.core import background
from wavelength.core.models import Activity, Notification
from wavelength.integrations import webhooks
from wavelength.integrations.models import DeliveryStatus, Webhook, WebhookDelivery

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, percentile, speed_target

FEW, MANY = 10, 1_000
DELIVERIES = 300


class _Rollback(Exception):
    pass


@contextmanager
def _deleted_afterwards():
    """Commit for real (the background thread must see the rows), then delete what was added."""
    models = (DigestEntry, Notification, Comment, Activity, Follow, User)
    before = {
        m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in models
    }
    try:
        yield
    finally:
        background.wait(timeout=600)
        for model in models:
            model.objects.filter(pk__gt=before[model]).delete()


@contextmanager
def _rolled_back():
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


class _Receiver:
    """A local endpoint answering 200 to every POST."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _ms(samples: list[float]) -> str:
    return f"p50={statistics.median(samples):.2f}ms p95={percentile(samples, 95):.2f}ms"


class ConversationsBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        self.api = Client()
        token = self._token()
        self.api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def _token(self) -> str:
        from wavelength.accounts.services import token_create

        _token, raw = token_create(actor=self.admin, user=self.admin, name="bench")
        return raw

    def _followers(self, feature: Feature, n: int) -> None:
        password = make_password(None)
        people = User.objects.bulk_create(
            User(email=f"follower-{feature.pk}-{i}@bench.example", name=f"Follower {i}",
                 role=Role.VIEWER, password=password)
            for i in range(n)
        )  # fmt: skip
        Follow.objects.bulk_create(
            Follow(user=p, kind="feature", object_id=feature.pk) for p in people
        )

    def _post(self, feature: Feature) -> None:
        response = self.api.post(
            "/api/v1/comments",
            {"kind": "feature", "object_id": feature.pk, "body": "Ship it?"},
            content_type="application/json",
        )
        if response.status_code != 201:
            raise BenchError(f"POST /api/v1/comments answered {response.status_code}.")

    def _interleaved(self, features: list[Feature]) -> tuple[list[list[float]], list[list[float]]]:
        """Each feature's request times and background fan-out times, taken in turn so that a
        busy moment of the machine weighs on both alike. The background thread is drained
        after each request, outside the request's time."""
        b = self.bench
        requests: list[list[float]] = [[] for _ in features]
        fan_outs: list[list[float]] = [[] for _ in features]
        for run in range(b.warmup + b.runs):
            for i, feature in enumerate(features):
                started = time.perf_counter()
                self._post(feature)
                answered = time.perf_counter()
                if not background.wait(timeout=600):
                    raise BenchError("The background fan-out did not finish in 10 minutes.")
                if run >= b.warmup:
                    requests[i].append((answered - started) * 1000)
                    fan_outs[i].append((time.perf_counter() - answered) * 1000)
        return requests, fan_outs

    def fan_out(self) -> tuple[list[str], Check]:
        """The request's time and queries with 10 and 1,000 followers, and the background's."""
        if not background.in_thread():
            raise BenchError("Set no CELERY_BROKER_URL: this measures the embedded install.")
        lines, counts, medians = [], {}, {}
        with _deleted_afterwards():
            features = Feature.objects.order_by("pk")[:2]
            if len(features) < 2:
                raise BenchError("The bench data set has fewer than two features.")
            cases = ((features[0], FEW), (features[1], MANY))
            for feature, n in cases:
                self._followers(feature, n)
            requests, fan_outs = self._interleaved([f for f, _n in cases])
            for (feature, n), times, spent in zip(cases, requests, fan_outs, strict=True):
                told = Notification.objects.filter(
                    verb="comment", target_id__in=Comment.objects.filter(object_id=feature.pk)
                ).count()
                with CaptureQueriesContext(connection) as ctx:
                    self._post(feature)
                background.wait(timeout=600)
                counts[f"{n:,} followers"] = len(ctx.captured_queries)
                medians[n] = statistics.median(times)
                lines.append(
                    f"{'comment.post':<13} POST /api/v1/comments ({n:,} followers)"
                    f"{'':<13} request {_ms(times)}  queries={len(ctx)}"
                )
                lines.append(
                    f"{'comment.fan':<13} fan-out in the background thread ({n:,} followers)"
                    f"{'':<1} p50={statistics.median(spent):.1f}ms, {told:,} notifications made"
                )
                posts = self.bench.warmup + self.bench.runs
                if told < n * posts:
                    raise BenchError(f"The fan-out told {told} of {n * posts} followers.")
        ratio = medians[MANY] / medians[FEW]
        verdict = speed_target(
            "conversations.fan_out",
            met=ratio <= 1.5,
            detail=f"request with {MANY:,} followers / with {FEW}: {ratio:.2f} (target ≤ 1.5)",
        )
        lines.append(
            f"{'comment.post':<13} request time, {MANY:,} / {FEW} followers: {ratio:.2f}  "
            f"target ≤ 1.5: {verdict}"
        )
        return lines, Check("comment post", counts, tolerance=0)

    def webhook_throughput(self) -> str:
        """Deliveries per second to a local receiver, one logged attempt each."""
        receiver = _Receiver()
        try:
            with _rolled_back():
                hook = Webhook.objects.create(
                    name="bench", url=receiver.url, secret="whsec_bench",
                    events=["feature.created"],
                )  # fmt: skip
                row = Activity.objects.select_related("actor", "target_type").last()
                if row is None:
                    raise BenchError("The bench data set has no activity to deliver.")
                ids = [webhooks.delivery_create(hook, row, "feature.created").pk
                       for _ in range(DELIVERIES)]  # fmt: skip
                started = time.perf_counter()
                for pk in ids:
                    webhooks.attempt(pk)
                spent = time.perf_counter() - started
                delivered = WebhookDelivery.objects.filter(
                    pk__in=ids, status=DeliveryStatus.DELIVERED
                ).count()
                if delivered != DELIVERIES:
                    raise BenchError(f"{delivered} of {DELIVERIES} deliveries arrived.")
        finally:
            receiver.close()
        rate = DELIVERIES / spent
        return (
            f"{'webhook.send':<13} {DELIVERIES} signed deliveries to 127.0.0.1, one worker"
            f"{'':<6} {rate:,.0f} deliveries/s ({spent * 1000 / DELIVERIES:.2f}ms each, "
            "attempt logged)"
        )

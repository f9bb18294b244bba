"""Measurements of conversations and webhooks.

(a) The fan-out of a comment: ``POST /api/v1/comments`` on a feature followed by 10 people and
on one followed by 1,000. The request saves the comment and queues the fan-out (as it does with
a broker); its time and its queries must not grow with the followers. The queued fan-out is
then run and timed on its own: that is the worker's share, which does grow with them.

(b) Webhook delivery throughput: deliveries per second signed and sent to a receiver on
127.0.0.1 that answers 200, through the same code as the background job (one attempt each,
logged).

Everything is written inside a transaction that is rolled back, so the bench data set stays as
generated and every run measures the same thing.
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
from wavelength.conversations import tasks
from wavelength.conversations.models import Follow
from wavelength.conversations.services import comments
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

    def _interleaved(self, features: list[Feature]) -> list[list[float]]:
        """Each feature's request times, taken in turn so that a busy moment of the machine
        weighs on both alike."""
        b = self.bench
        samples: list[list[float]] = [[] for _ in features]
        for run in range(b.warmup + b.runs):
            for i, feature in enumerate(features):
                started = time.perf_counter()
                self._post(feature)
                if run >= b.warmup:
                    samples[i].append((time.perf_counter() - started) * 1000)
        return samples

    def _fan_out_line(self, comment_id: int, n: int) -> str:
        """Run the queued fan-out of one comment, as the worker would, and time it."""
        Notification.objects.all().delete()
        started = time.perf_counter()
        told = tasks.comment_fan_out.run(comment_id, None)
        spent = (time.perf_counter() - started) * 1000
        if told < n:
            raise BenchError(f"The fan-out told {told} of {n} followers.")
        return (
            f"{'comment.fan':<13} fan-out task, off the request ({n:,} followers)"
            f"{'':<5} {spent:.1f}ms for {told:,} notifications"
        )

    def fan_out(self) -> tuple[list[str], Check]:
        """The request's time and queries with 10 and 1,000 followers, then the worker's."""
        lines, counts, medians = [], {}, {}
        with _rolled_back():
            features = Feature.objects.order_by("pk")[:2]
            if len(features) < 2:
                raise BenchError("The bench data set has fewer than two features.")
            queued: list = []
            real = comments._queue_fan_out
            # What a broker gets: the comment's id, once the request has saved it.
            comments._queue_fan_out = lambda pk, user_ids=None: queued.append((pk, user_ids))
            try:
                cases = ((features[0], FEW), (features[1], MANY))
                for feature, n in cases:
                    self._followers(feature, n)
                samples = self._interleaved([f for f, _n in cases])
                for (feature, n), times in zip(cases, samples, strict=True):
                    with CaptureQueriesContext(connection) as ctx:
                        self._post(feature)
                    counts[f"{n:,} followers"] = len(ctx.captured_queries)
                    medians[n] = statistics.median(times)
                    lines.append(
                        f"{'comment.post':<13} POST /api/v1/comments ({n:,} followers)"
                        f"{'':<13} request {_ms(times)}  queries={len(ctx)}"
                    )
                    lines.append(self._fan_out_line(queued[-1][0], n))
            finally:
                comments._queue_fan_out = real
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

"""The load of ``make loadtest`` (bench/loadtest.py): signed-in people reading the five pages
and endpoints people read most — home, a feature's page, the feedback inbox, a feature from
the API and the search — one after another, without pause (each user waits for its answer
before asking again, as a browser tab does).

Run by Locust in its own environment (.venv-load); it imports nothing of Wavelength's. The
users are Locust's ``FastHttpUser``: the load runs on the same two cores as the server, and
this client takes several times less of them than the one built on ``requests``.
"""

import random
import re
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

EMAIL = "demo@wavelength.local"
PASSWORD = "wavelength-demo"
WORDS = ["export", "dashboard", "login", "slow", "invoice", "mobile", "report", "sync"]


class Reader(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/accounts/login/",
            data=urlencode({"csrfmiddlewaretoken": token, "username": EMAIL, "password": PASSWORD}),
            headers={
                "Referer": self.host + "/accounts/login/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            name="sign-in",
        )
        listed = self.client.get("/api/v1/features?limit=100", name="features to read").json()
        self.features = [f["id"] for f in listed["items"]]
        if not self.features:
            raise RuntimeError("The demo data has no feature to read.")

    @task
    def home(self) -> None:
        self.client.get("/", name="home")

    @task
    def feature_page(self) -> None:
        self.client.get(f"/features/{random.choice(self.features)}/", name="feature page")

    @task
    def inbox(self) -> None:
        self.client.get("/feedback/", name="inbox")

    @task
    def feature_api(self) -> None:
        self.client.get(f"/api/v1/features/{random.choice(self.features)}", name="feature API")

    @task
    def search(self) -> None:
        self.client.get(f"/search/?q={random.choice(WORDS)}", name="search")

"""``python -m bench.junit_cli DATA_DIR VERSION PRODUCT``: ``wavelength quality import-junit``
against the API for the same JUnit report, each on a fresh copy of a demo's data directory.

The report has ``CASES`` tests (default 10,000), one in fifty failing. The API is timed in a
process already started (the request alone, as a server answers it); the command line as a
whole process, start-up included. Prints both and their ratio, ``RUNS`` times (default 2).
The copies go to a temporary folder, removed at the end; the demo's own data is not touched.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

API = """
import os, sys, time
import django
django.setup()
from django.conf import settings
settings.ALLOWED_HOSTS = ["*"]
from django.test import Client
from wavelength.accounts.models import User
from wavelength.catalog.models import Release
client = Client()
client.force_login(User.objects.filter(role="admin").order_by("pk").first())
release = Release.objects.get(version=sys.argv[1], product__slug=sys.argv[2])
data = open(sys.argv[3], "rb").read()
started = time.perf_counter()
response = client.post(f"/api/v1/quality/junit?release={release.pk}&build=bench", data,
                       content_type="application/xml")
assert response.status_code == 201, response.content[:500]
print(time.perf_counter() - started)
"""


def report(path: Path, cases: int) -> None:
    rows = [f'<?xml version="1.0"?><testsuites><testsuite name="bench" tests="{cases}">']
    for i in range(cases):
        failure = '<failure message="boom">trace</failure>' if i % 50 == 0 else ""
        rows.append(f'<testcase classname="bench.mod{i // 100}" name="test_{i}" time="0.01">'
                    f"{failure}</testcase>")  # fmt: skip
    rows.append("</testsuite></testsuites>")
    path.write_text("".join(rows))


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    source, version, product = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "report.xml"
        report(xml, int(os.getenv("CASES", "10000")))
        for run in range(int(os.getenv("RUNS", "2"))):
            times = []
            for side in ("api", "cli"):
                data = Path(tmp) / side
                shutil.rmtree(data, ignore_errors=True)
                shutil.copytree(source, data, ignore=shutil.ignore_patterns("gunicorn.ctl"))
                env = {**os.environ, "WAVELENGTH_DATA_DIR": str(data),
                       "DJANGO_SETTINGS_MODULE": "wavelength.settings"}  # fmt: skip
                env.pop("DATABASE_URL", None)
                if side == "api":
                    api = [sys.executable, "-c", API, version, product, str(xml)]
                    done = subprocess.run(api, env=env, capture_output=True, text=True, check=True)
                    times.append(float(done.stdout.split()[-1]))
                    continue
                admin = subprocess.run(
                    [sys.executable, "-c", "import django; django.setup(); "
                     "from wavelength.accounts.models import User; "
                     "print(User.objects.filter(role='admin').order_by('pk').first().email)"],
                    env=env, capture_output=True, text=True, check=True,
                ).stdout.split()[-1]  # fmt: skip
                command = [str(bin_dir / "wavelength"), "quality", "import-junit", str(xml),
                           "--release", version, "--product", product, "--build", "bench",
                           "--as", admin]  # fmt: skip
                started = time.perf_counter()
                subprocess.run(command, env=env, capture_output=True, check=True)
                times.append(time.perf_counter() - started)
            api_s, cli_s = times
            print(f"run {run + 1}: API {api_s:.2f} s, command line {cli_s:.2f} s, "
                  f"ratio {cli_s / api_s:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``make loadtest``: a bounded load of signed-in readers against ``wavelength serve`` on the
demo data, on this machine's loopback only; prints requests/s, p50, p95 and errors.

    python -m bench.loadtest [--users 8] [--seconds 60] [--port 8765]

The demo is built once into ``LOADTEST_DATA_DIR`` (default ``bench/.data/loadtest``), or into
the PostgreSQL database ``DATABASE_URL`` names when it is set. The server is started as
``make demo`` starts it (``wavelength serve``, its default workers and threads), polled until
it answers, loaded by Locust (``bench/locustfile.py``, from ``.venv-load``) for a fixed time,
then stopped. The exit status is for correctness: 1 when a request failed or the run could
not be made; the figures are reported, not asserted (this machine is shared and noisy).
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = {"rps": 100.0, "p95": 200.0}  # on 2 cores: ≥ 100 requests/s, p95 ≤ 200 ms
SETUP = {"sign-in page", "sign-in", "features to read"}  # each user's, once, before reading


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _wavelength(*args: str, env: dict) -> None:
    subprocess.run([str(Path(sys.executable).parent / "wavelength"), *args], env=env, check=True)


def _wait(url: str, server: subprocess.Popen, limit: float = 180.0) -> None:
    """Poll until the server answers (generous: the first start compiles and loads a lot)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped before answering (exit {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer {url} within {limit:.0f} s.")


def _summary(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=int(os.getenv("LOADTEST_USERS", "8")))
    parser.add_argument("--seconds", type=int, default=int(os.getenv("LOADTEST_SECONDS", "60")))
    parser.add_argument("--port", type=int, default=int(os.getenv("LOADTEST_PORT", "8765")))
    options = parser.parse_args()
    locust = ROOT / ".venv-load" / "bin" / "locust"
    if not locust.exists():
        print("Locust is not installed: run `make loadtest`, which installs it.", file=sys.stderr)
        return 1
    data_dir = Path(os.getenv("LOADTEST_DATA_DIR", ROOT / "bench" / ".data" / "loadtest"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(data_dir)
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"==> Demo data ({database}, {data_dir}): built once, then reused", flush=True)
    _wavelength("collectstatic", "--noinput", "-v0", env=env)
    _wavelength("migrate", "--noinput", "-v0", env=env)
    _wavelength("demo", env=env)
    host = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "wavelength"), "serve", "--port", str(options.port),
         "--no-migrate"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(host + "/accounts/login/", server)
        print(
            f"==> {options.users} signed-in readers for {options.seconds} s on {host}", flush=True
        )
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "load"
            done = subprocess.run(
                [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "--users", str(options.users), "--spawn-rate", str(options.users),
                 "--run-time", f"{options.seconds}s", "--host", host, "--csv", str(prefix),
                 "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            rows = _summary(prefix) if Path(f"{prefix}_stats.csv").exists() else []
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    if not rows:
        print(done.stdout + done.stderr, file=sys.stderr)
        return 1
    return _report(rows, options)


def _report(rows: list[dict], options) -> int:
    print(f"{'request':<14} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    total = None
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(f"{row['Name']:<14} {row['Request Count']:>7} {row['Failure Count']:>6} "
              f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7}")  # fmt: skip
    # Requests/s counts the reads, not what each user does once before reading (SETUP); p50
    # and p95 are Locust's over every request (those few among thousands of reads).
    reads = [r for r in rows if r["Name"] != "Aggregated" and r["Name"] not in SETUP]
    count = sum(int(r["Request Count"]) for r in reads)
    errors = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
    rps = sum(float(r["Requests/s"]) for r in reads)
    print(
        f"\nreads: {count:,} in {options.seconds} s by {options.users} users: "
        f"{rps:.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, {errors} errors"
        f"  (target: ≥ {TARGET['rps']:.0f} requests/s, p95 ≤ {TARGET['p95']:.0f} ms, 0 errors)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

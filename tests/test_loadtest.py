"""``make loadtest``'s report: Locust's CSV summary read into the figures it prints, and an
exit status that says whether every request succeeded (the speed is reported, not asserted)."""

from types import SimpleNamespace

from bench import loadtest


def row(name, count, failures, rps, p50, p95):
    return {"Name": name, "Request Count": str(count), "Failure Count": str(failures),
            "Requests/s": str(rps), "50%": str(p50), "95%": str(p95)}  # fmt: skip


ROWS = [
    row("sign-in page", 8, 0, 0.1, 150, 260),
    row("sign-in", 8, 0, 0.1, 1800, 1900),
    row("features to read", 8, 0, 0.1, 90, 120),
    row("home", 300, 0, 5.0, 310, 450),
    row("inbox", 270, 0, 4.5, 360, 500),
    row("Aggregated", 594, 0, 9.8, 320, 480),
]


def test_reads_leave_out_each_user_s_sign_in(capsys):
    assert loadtest._report(ROWS, SimpleNamespace(seconds=60, users=8)) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("reads: 570 in 60 s by 8 users: 9.5 requests/s, p50 320 ms, p95 480")
    assert "0 errors" in last


def test_a_failed_request_fails_the_run(capsys):
    rows = [*ROWS[:-1], row("search", 10, 2, 0.2, 100, 200), ROWS[-1]]
    assert loadtest._report(rows, SimpleNamespace(seconds=60, users=8)) == 1
    assert "2 errors" in capsys.readouterr().out

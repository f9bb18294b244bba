"""A number too large for the database in a path or query is bad input, never a 500."""

import pytest

from tests.api.utils import bearer_client

HUGE = "9223372036854775808"  # one past the largest id the databases store


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/prioritisation?product={HUGE}",
        f"/api/v1/prioritisation?team={HUGE}",
        f"/api/v1/features?product={HUGE}",
        f"/api/v1/features/{HUGE}",
        f"/api/v1/products/{HUGE}",
        f"/api/v1/playbooks/{HUGE}",
    ],
)
def test_a_huge_number_is_answered_without_a_server_error(db, admin, path):
    response = bearer_client(admin).get(path)
    assert response.status_code in (200, 404, 422), (path, response.status_code)
    if response.status_code == 200:
        assert response.json()["count"] == 0

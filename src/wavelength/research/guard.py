"""The respondents' rate limit, shared by the public pages and the public API: counted in the
cache every server process shares (``core.ratelimit``)."""

import hashlib

from django.utils.translation import gettext as _

from wavelength.core.exceptions import DomainError
from wavelength.core.ratelimit import client_ip, over_limit

RATE_LIMIT, RATE_WINDOW = 10, 60  # responses per minute from one address


class RateLimited(DomainError):
    status_code = 429


def rate_limited(request) -> bool:
    """Count one response; True when its address went over the limit. The address is hashed
    before it becomes a cache key, so not even the cache keeps it."""
    ip = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return over_limit([f"research:rl:respond:{ip}"], limit=RATE_LIMIT, window=RATE_WINDOW)


def too_many_message() -> str:
    return _("Too many answers from you in a short time. Please wait a minute.")


def check_rate(request) -> None:
    if rate_limited(request):
        raise RateLimited(too_many_message())

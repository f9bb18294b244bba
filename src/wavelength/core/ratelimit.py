"""Rate limits counted in Django's cache, which every server process shares (the database
cache by default, Redis when ``CACHE_URL`` points at it), so a limit holds however many
workers serve the site."""

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (never trust X-Forwarded-For blindly).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(keys: list[str], *, limit: int, window: int) -> bool:
    """Count one attempt under each key; True when any of them went over ``limit`` attempts
    in the current ``window`` seconds."""
    limited = False
    for key in keys:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        limited = limited or count > limit
    return limited

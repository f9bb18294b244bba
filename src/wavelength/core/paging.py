"""Pages of long lists whose total is only counted up to a bound.

Counting every match of a filter costs as much as the matches: 25,000 new bugs in an inbox of
500,000 items took most of the page's time. Past a few thousand rows nobody reads the exact
number, so such lists count at most ``cap`` rows and say "more than" beyond; the pages up to
the bound stay reachable (a narrower filter finds the rest).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose ``count`` stops at ``cap``; ``capped`` says when more rows match."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        """The rows counted, one past the bound at most (a ``LIMIT`` inside the count)."""
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._counted > self.cap


def capped_page(request, queryset, per_page: int, *, param: str = "page", cap: int | None = None):
    """The page of ``queryset`` the request asks for, counted up to ``cap`` rows (by default
    ``COUNT_CAP``)."""
    return CappedPaginator(queryset, per_page, cap=cap).get_page(request.GET.get(param))

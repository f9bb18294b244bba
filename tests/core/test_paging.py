"""The pagers' numbers are grouped by thousands in the reader's language."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from wavelength.core.paging import CappedPaginator


class Rows(list):
    """A list that counts as a queryset does (the capped paginator counts a slice)."""

    def __getitem__(self, key):
        found = super().__getitem__(key)
        return Rows(found) if isinstance(key, slice) else found

    def count(self, *args):
        return super().count(*args) if args else len(self)


def _pager(template, page, key):
    request = RequestFactory().get("/feedback/")
    return render_to_string(template, {key: page, "target": "list"}, request=request)


def test_the_pagers_group_thousands_in_english_and_french():
    rows = Rows(range(12_345))
    page = Paginator(rows, 50).page(200)
    capped = CappedPaginator(rows, 50, cap=10_000).page(200)
    with translation.override("en"):
        assert "9,951–10,000 of 12,345" in _pager("includes/pagination.html", page, "page_obj")
        assert "9,951–10,000 of 12,345" in _pager("catalog/_pagination.html", page, "page")
        html = _pager("catalog/_pagination.html", capped, "page")
        assert "9,951–10,000 of more than 10,000" in html
    with translation.override("fr"):
        html = _pager("includes/pagination.html", page, "page_obj")
        assert "9\u202f951–10\u202f000" in html or "9\xa0951–10\xa0000" in html, html

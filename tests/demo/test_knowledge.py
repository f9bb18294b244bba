"""The demo's knowledge base: built with the catalog demo, through the services."""

import pytest

from wavelength.accounts.models import User
from wavelength.knowledge.demo import build_knowledge_demo
from wavelength.knowledge.models import Approval, Page, PageLink, PageStatus, Space
from wavelength.knowledge.selectors import page_list

pytestmark = pytest.mark.django_db


def test_demo_has_linked_versioned_pages_an_approval_a_stale_page_and_a_team_space(demo):
    assert Page.objects.count() >= 15
    assert Page.objects.filter(versions__number=3).exists()
    assert Approval.objects.exists()
    assert PageLink.objects.filter(kind="feature", target_id__isnull=False).exists()
    assert any(p.is_stale() for p in Page.objects.all())
    assert Page.objects.filter(stale_since__isnull=False).exists()  # outdated by its feature
    assert set(Page.objects.values_list("status", flat=True)) == set(PageStatus.values)
    sales_space = Space.objects.get(slug="sales-playbook")
    engineer = User.objects.get(email__startswith="aisha")
    assert sales_space.is_restricted
    assert not page_list(user=engineer).filter(space=sales_space).exists()
    assert build_knowledge_demo() == {"created": False}

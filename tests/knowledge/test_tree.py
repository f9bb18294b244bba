"""The page tree shows the top level and the open branch, each level capped, in fixed queries."""

from wavelength.knowledge import selectors, services
from wavelength.knowledge.models import Page


def _titles(nodes):
    return [n.page.title for n in nodes]


def test_the_tree_opens_the_current_branch_and_only_marks_others(editor, space):
    guide = services.page_create(actor=editor, space=space, title="Guide")
    setup = services.page_create(actor=editor, space=space, title="Setup", parent=guide)
    services.page_create(actor=editor, space=space, title="Ports", parent=setup)
    other = services.page_create(actor=editor, space=space, title="Other")
    services.page_create(actor=editor, space=space, title="Hidden child", parent=other)

    tree = selectors.page_tree(user=editor, space=space, current=setup)

    assert _titles(tree) == ["Guide", "Other"]
    guide_node, other_node = list(tree)
    assert guide_node.open and _titles(guide_node.children) == ["Setup"]
    setup_node = guide_node.children[0]
    assert setup_node.current and _titles(setup_node.children) == ["Ports"]
    assert other_node.children == [] and other_node.has_children


def test_a_long_level_is_capped_and_says_there_is_more(
    editor, space, django_assert_max_num_queries
):
    now = Page.objects.create(space=space, title="Seed", slug="seed", owner=editor)
    Page.objects.bulk_create(
        Page(space=space, title=f"Page {i:03}", slug=f"page-{i:03}", owner=editor, position=i)
        for i in range(1, selectors.TREE_LIMIT + 20)
    )
    last = Page.objects.get(slug=f"page-{selectors.TREE_LIMIT + 10:03}")

    with django_assert_max_num_queries(4):
        tree = selectors.page_tree(user=editor, space=space, current=last)

    assert tree.more
    assert len(tree) == selectors.TREE_LIMIT + 1  # the cap, plus the current page beyond it
    assert any(n.current for n in tree)
    assert now.pk in {n.page.pk for n in tree}


def test_the_space_page_links_to_the_rest(editor_client, editor, space):
    Page.objects.bulk_create(
        Page(space=space, title=f"Page {i:03}", slug=f"page-{i:03}", owner=editor, position=i)
        for i in range(selectors.TREE_LIMIT + 5)
    )
    html = editor_client.get(space.get_absolute_url()).content.decode()
    assert "More pages…" in html
    assert "Page 070" not in html.split("More pages…")[0].split('class="kb-tree"')[-1]

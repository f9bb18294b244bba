"""The insights pages: the dashboard with its filters and links, the lists and CSVs behind
the figures, saving and sharing views, the weekly report pages and the feature trace."""

import re

from django.urls import reverse

from wavelength.insights import services
from wavelength.insights.models import ReportSubscription, SavedView


def test_the_dashboard_shows_every_figure_and_links_to_its_lists(world, editor_client):
    html = editor_client.get(reverse("insights:dashboard") + "?product=orbit").content.decode()
    for key in ("feedback-channel", "demand", "lead-time", "releases", "pass-rate", "defects",
                "playbooks", "knowledge", "training", "surveys"):  # fmt: skip
        assert f'id="figure-{key}"' in html
    assert 'data-chart="chart-feedback-channel"' in html and 'id="chart-feedback-channel"' in html
    assert "/insights/lists/feedback/?product=orbit&amp;source=portal" in html
    assert '<option value="orbit" selected>' in html


def test_a_list_behind_a_figure_and_its_csv(world, editor_client):
    response = editor_client.get(reverse("insights:figure-list", args=["feedback"]),
                                 {"source": "portal"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "Offline again" in html and "Export to CSV" in html
    assert "Nice app" not in html and "2 rows counted" in html
    csv = editor_client.get(reverse("insights:figure-export", args=["releases"]))
    text = b"".join(csv.streaming_content).decode()
    assert text.splitlines() == [
        "\ufeffLabel,Releases",
        "Shipped on time,1",
        "Shipped late,1",
        '"Late, not shipped yet",1',
    ]
    assert editor_client.get(reverse("insights:figure-list", args=["nope"])).status_code == 404


def test_a_viewer_saves_the_dashboard_and_opens_it(world, viewer_client, viewer, product_team):
    response = viewer_client.post(reverse("insights:view-create"), {
        "name": "Orbit, a year", "team": product_team.pk, "product": "orbit", "period": "365",
        "filter_team": ""})  # fmt: skip
    view = SavedView.objects.get()
    assert response.status_code == 302 and response["Location"] == view.get_absolute_url()
    assert (view.owner, view.team, view.filters) == (
        viewer,
        product_team,
        {"product": "orbit", "period": 365},
    )
    opened = viewer_client.get(view.get_absolute_url())
    assert opened["Location"] == "/insights/?period=365&product=orbit"


def test_a_view_without_a_name_is_a_422_and_nothing_saved(world, viewer_client):
    response = viewer_client.post(reverse("insights:view-create"), {"name": "", "period": "90"})
    assert response.status_code == 422 and not SavedView.objects.exists()


def test_a_view_from_a_pasted_address(now, editor_client):
    response = editor_client.post(reverse("insights:view-create"), {
        "name": "Angry", "address": "/feedback/?sentiment=negative"})  # fmt: skip
    assert response.status_code == 302
    assert SavedView.objects.get().filters == {"sentiment": "negative"}
    bad = editor_client.post(reverse("insights:view-create"), {"name": "X", "address": "/x/"})
    assert bad.status_code == 422 and "Paste the address" in bad.content.decode()


def test_another_team_cannot_open_or_edit_a_shared_view(now, editor, product_team,
                                                       outsider_client, viewer_client):  # fmt: skip
    view = services.saved_view_create(actor=editor, name="Ours", page="insights:dashboard",
                                      filters={}, team=product_team)  # fmt: skip
    assert outsider_client.get(view.get_absolute_url()).status_code == 404
    assert outsider_client.get(reverse("insights:view-edit", args=[view.pk])).status_code == 404
    assert "Ours" not in outsider_client.get(reverse("insights:view-list")).content.decode()
    assert "Ours" in viewer_client.get(reverse("insights:view-list")).content.decode()
    assert viewer_client.get(reverse("insights:view-edit", args=[view.pk])).status_code == 403
    assert viewer_client.post(reverse("insights:view-delete", args=[view.pk])).status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_edit_keeps_what_was_typed_when_stale(now, editor, editor_client):
    view = services.saved_view_create(actor=editor, name="A", page="insights:dashboard",
                                      filters={})  # fmt: skip
    url = reverse("insights:view-edit", args=[view.pk])
    html = editor_client.get(url).content.decode()
    version = re.search(r'name="edit_version" value="([0-9a-f]{16})"', html).group(1)
    services.saved_view_update(actor=editor, view=view, name="B")
    response = editor_client.post(url, {"name": "C", "address": "/insights/",
                                        "edit_version": version})  # fmt: skip
    assert response.status_code == 422 and "Someone else saved this" in response.content.decode()
    view.refresh_from_db()
    assert view.name == "B"
    saved = editor_client.post(url, {"name": "C", "address": "/insights/?period=30",
                                     "edit_version": re.search(
                                         r'name="edit_version" value="([0-9a-f]{16})"',
                                         response.content.decode()).group(1)})  # fmt: skip
    assert saved.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.filters) == ("C", {"period": 30})


def test_report_settings_and_pages(world, viewer, viewer_client, product):
    url = reverse("insights:report-settings")
    html = viewer_client.get(url).content.decode()
    version = re.search(r'name="edit_version" value="([0-9a-f]{16})"', html).group(1)
    response = viewer_client.post(url, {"active": "on", "product": product.pk,
                                        "edit_version": version})  # fmt: skip
    assert response.status_code == 302
    assert ReportSubscription.objects.get(user=viewer).product == product
    import datetime as dt

    report = services.report_generate(user=viewer, week_start=dt.date(2026, 5, 4))
    services.report_email(report)
    listing = viewer_client.get(reverse("insights:report-list")).content.decode()
    assert "You receive the weekly report." in listing and "Week of May 4, 2026" in listing
    assert "e-mailed" in listing
    detail = viewer_client.get(report.get_absolute_url()).content.decode()
    assert "Feedback by channel" in detail


def test_the_trace_page_and_its_markdown(world, viewer_client):
    offline = world["offline"]
    html = viewer_client.get(reverse("insights:feature-trace", args=[offline.pk])).content.decode()
    assert "Asked by 2 companies worth 510,000" in html and "Offline guide" in html
    assert "1 of 1 completed" in html and "Crash on sync" in html
    page = viewer_client.get(offline.get_absolute_url()).content.decode()
    assert reverse("insights:feature-trace", args=[offline.pk]) in page
    md = viewer_client.get(reverse("insights:feature-trace-md", args=[offline.pk]))
    assert md["Content-Type"].startswith("text/markdown") and b"## 3. Releases" in md.content


def pdf_outline(pdf: bytes) -> bytes:
    """The PDF's objects, inflated: the outline names each heading (``/Title (…)``)."""
    import re
    import zlib

    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(found)


def test_the_trace_as_pdf(world, viewer_client):
    offline = world["offline"]
    html = viewer_client.get(reverse("insights:feature-trace", args=[offline.pk])).content.decode()
    pdf_url = reverse("insights:feature-trace-pdf", args=[offline.pk])
    assert f'href="{pdf_url}"' in html
    response = viewer_client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="trace-{offline.pk}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5_000
    assert b"/Title (Trace of Offline mode)" in pdf_outline(response.content)


def test_the_trace_pdf_fetches_nothing(world, viewer_client, monkeypatch):
    """User Markdown can name an image anywhere: the PDF never fetches it."""
    from wavelength.insights import trace

    asked = []

    refuse = trace._refuse

    def spy(url):
        asked.append(url)
        return refuse(url)

    monkeypatch.setattr(trace, "_refuse", spy)
    offline = world["offline"]
    monkeypatch.setattr(
        trace,
        "trace_markdown",
        lambda found, site: "# Trace\n\n![x](https://tracker.example/p.png)",
    )
    response = viewer_client.get(reverse("insights:feature-trace-pdf", args=[offline.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert asked == ["https://tracker.example/p.png"]


def test_a_trace_pdf_of_a_missing_feature_is_404(world, viewer_client):
    missing = reverse("insights:feature-trace-pdf", args=[999999])
    assert viewer_client.get(missing).status_code == 404


def test_the_pages_read_in_french(world, viewer_client):
    viewer_client.cookies["django_language"] = "fr"
    html = viewer_client.get(reverse("insights:dashboard")).content.decode()
    assert "Tableau de bord des décisions" in html and "Retours par canal" in html
    assert "13\u00a0mai 2026" in html or "13 mai 2026" in html
    trace = viewer_client.get(reverse("insights:feature-trace", args=[world["offline"].pk]))
    assert "Traçabilité de Offline mode" in trace.content.decode()


def test_signed_out_is_sent_to_sign_in(db, client):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]

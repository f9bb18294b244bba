"""The knowledge pages: spaces, pages and their history, review, search and attachments."""

import mimetypes
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.views.base import GET_POST, paginate, wants_preview
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.forms import add_domain_error, form_status, submit

from . import diff as text_diff
from . import selectors, services
from .access import can_manage_space, can_read_space, require_manage, require_write
from .forms import AttachmentForm, PageForm, SearchForm, SpaceForm
from .links import render_page_body
from .models import Attachment, Page, PageStatus, PageTemplate, Space
from .search import page_search

PER_PAGE = 30


def _body_html(user, text: str, space_slug: str | None = None):
    """``text`` rendered with its links resolved among the pages ``user`` may see."""
    return render_page_body(text, pages=Page.objects.visible_to(user), space_slug=space_slug)


def _preview(request, space_slug=None):
    html = _body_html(request.user, request.POST.get("body", ""), space_slug)
    return render(request, "catalog/_preview.html", {"html": html})


def _editor(request, form: PageForm, space: Space, page: Page | None) -> dict:
    """What the editor needs: the preview's URL and its first rendering."""
    if page is not None:
        url = reverse("knowledge:page-edit", args=[page.pk]) + "?"
    else:
        url = reverse("knowledge:page-create") + f"?space={space.slug}&"
    text = form["body"].value() or ""
    html = _body_html(request.user, text, space.slug)
    return {"preview_url": url, "preview_html": html if text else ""}


@login_required
def home(request):
    """Every space the reader can see, their pages to review and the templates."""
    user = request.user
    context = {
        "spaces": selectors.space_list(user=user),
        "to_review": list(selectors.review_list(user=user, owner=user)[:10]),
        "recent": list(selectors.page_list(user=user).order_by("-updated_at")[:10]),
        "search_form": SearchForm(user=user),
    }
    return render(request, "knowledge/home.html", context)


@login_required
def space_detail(request, slug):
    space = selectors.space_get(user=request.user, slug=slug)
    pages = selectors.page_list(user=request.user, space=space).order_by("-updated_at")
    context = {
        "space": space,
        "tree": selectors.page_tree(user=request.user, space=space),
        "page": paginate(request, pages, PER_PAGE),
        "counts": selectors.status_counts(user=request.user, space=space),
        "can_manage": can_manage_space(request.user, space),
        "templates": selectors.template_list(),
    }
    return render(request, "knowledge/space_detail.html", context)


@login_required
@GET_POST
def space_create(request):
    require_editor(request.user)
    form = SpaceForm(request.POST or None, initial={"visibility": "everyone"})
    space = submit(form, lambda: services.space_create(actor=request.user, **form.service_kwargs()))
    if space:
        messages.success(request, _("Space “%(name)s” created.") % {"name": space.name})
        return redirect(space)
    return render(
        request,
        "knowledge/space_form.html",
        {"form": form, "space": None},
        status=form_status(form),
    )


@login_required
@GET_POST
def space_edit(request, slug):
    space = selectors.space_get(user=request.user, slug=slug)
    require_manage(request.user, space)
    initial = {
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "teams": list(space.teams.all()),
        "owners": list(space.owners.all()),
        "approvers": list(space.approvers.all()),
    }
    form = SpaceForm(request.POST or None, initial=initial).versioned(space)
    saved = submit(
        form,
        lambda: services.space_update(
            actor=request.user, space=space, if_version=form.seen_version(), **form.service_kwargs()
        ),
    )
    if saved:
        messages.success(request, _("Space “%(name)s” saved.") % {"name": saved.name})
        return redirect(saved)
    context = {"form": form, "space": space}
    return render(request, "knowledge/space_form.html", context, status=form_status(form))


ABOUT = re.compile(r"^(feature|release|product):\d{1,12}$")


def _template_text(request) -> str:
    """The template's text, and a link to what the page is about (``?about=feature:12``, as a
    stage standard's "write the page" link sends) so the page counts as about it."""
    key = request.GET.get("template", "")
    template = PageTemplate.objects.filter(key=key).first() if key else None
    body = template.body if template else ""
    about = request.GET.get("about", "")
    if ABOUT.match(about):
        body = f"[[{about}]]\n\n{body}" if body else f"[[{about}]]\n"
    return body


@login_required
@GET_POST
def page_create(request):
    """A new page in a space (``?space=``), under ``?parent=``, from ``?template=``."""
    slug = request.POST.get("space") or request.GET.get("space")
    space = Space.objects.filter(slug=slug).first() if slug else None
    if space is None or not can_read_space(request.user, space):
        spaces = list(selectors.space_list(user=request.user))
        context = {"spaces": spaces, "title": request.GET.get("title", "")}
        return render(request, "knowledge/space_choose.html", context)
    require_write(request.user, space)
    if wants_preview(request):
        return _preview(request, space.slug)
    parent = Page.objects.filter(space=space, pk=request.GET.get("parent") or 0).first()
    initial = {
        "title": request.GET.get("title", ""),
        "body": _template_text(request),
        "parent": parent,
        "owner": request.user,
        "review_interval_days": 180,
    }
    form = PageForm(request.POST or None, space=space, initial=initial)
    page = submit(
        form,
        lambda: services.page_create(actor=request.user, space=space, **form.service_kwargs()),
    )
    if page:
        messages.success(request, _("Page “%(title)s” created.") % {"title": page.title})
        return redirect(page)
    context = {
        "form": form,
        "space": space,
        "page_obj": None,
        "templates": selectors.template_list(),
        "template_key": request.GET.get("template", ""),
        **_editor(request, form, space, None),
    }
    return render(request, "knowledge/page_form.html", context, status=form_status(form))


def _governance(user, page: Page) -> dict:
    approvers = services.approvers_of(page)
    missing = services.missing_approvals(page)
    return {
        "approvers": approvers,
        "missing_approvals": missing,
        "can_approve": any(a.pk == user.pk for a in missing),
        "approvals": list(selectors.approvals_of(page=page)[:20]),
    }


@login_required
def page_detail(request, pk):
    user = request.user
    page = selectors.page_get(user=user, pk=pk)
    can_manage = can_manage_space(user, page.space)
    is_owner = page.owner_id == user.pk or can_manage
    context = {
        "page_obj": page,
        "space": page.space,
        "html": _body_html(user, page.body, page.space.slug),
        "ancestors": selectors.breadcrumbs(page),
        "tree": selectors.page_tree(user=user, space=page.space, current=page),
        "backlinks": list(selectors.backlinks(user=user, page=page)),
        "attachments": list(page.attachments.all()),
        "has_read": selectors.has_read(user=user, page=page),
        "is_owner": is_owner,
        "readers": list(selectors.readers(page=page)) if is_owner else [],
        "can_edit": user.can_edit,
        "can_manage": can_manage,
        "attachment_form": AttachmentForm(),
        **_governance(user, page),
    }
    return render(request, "knowledge/page_detail.html", context)


def _edit_initial(page: Page) -> dict:
    return {
        "title": page.title,
        "body": page.body,
        "parent": page.parent,
        "owner": page.owner,
        "review_interval_days": page.review_interval_days,
        "approvers": list(page.approvers.all()),
        "base_version": page.version,
    }


@login_required
@GET_POST
def page_edit(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    require_write(request.user, page.space)
    if wants_preview(request):
        return _preview(request, page.space.slug)
    form = PageForm(request.POST or None, space=page.space, page=page, initial=_edit_initial(page))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.page_update(
                actor=request.user,
                page=page,
                base_version=form.cleaned_data["base_version"],
                **form.service_kwargs(),
            )
        except Conflict as exc:
            return _conflict(request, page, form, exc)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Page saved as version %(n)d.") % {"n": saved.version})
            return redirect(saved)
    context = {
        "form": form,
        "space": page.space,
        "page_obj": page,
        "templates": [],
        **_editor(request, form, page.space, page),
    }
    return render(request, "knowledge/page_form.html", context, status=form_status(form))


def _conflict(request, page: Page, form: PageForm, exc: Conflict):
    """Both texts, theirs (saved meanwhile) and yours (not saved), with the differences; the
    form starts again from their version so a save after merging goes through."""
    page.refresh_from_db()
    yours = form.cleaned_data["body"]
    data = request.POST.copy()
    data["base_version"] = str(page.version)
    retry = PageForm(data, space=page.space, page=page)
    retry.is_valid()
    context = {
        "form": retry,
        "space": page.space,
        "page_obj": page,
        "conflict": exc.message,
        "theirs": page.body,
        "yours": yours,
        "base_version": form.cleaned_data["base_version"],
        "latest": page.versions.select_related("author").first(),
        "diff": text_diff.compare(page.body, yours),
        "templates": [],
        **_editor(request, retry, page.space, page),
    }
    return render(request, "knowledge/page_form.html", context, status=409)


@login_required
def page_history(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    versions = paginate(request, selectors.version_list(user=request.user, page=page), 50)
    context = {"page_obj": page, "space": page.space, "versions": versions}
    return render(request, "knowledge/page_history.html", context)


def _number(value, default: int) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 9 else default


@login_required
def page_diff(request, pk):
    """Two versions side by side (``?a=&b=``; by default the previous and the current one)."""
    page = selectors.page_get(user=request.user, pk=pk)
    b = _number(request.GET.get("b"), page.version)
    a = _number(request.GET.get("a"), max(b - 1, 1))
    old = selectors.version_get(user=request.user, page=page, number=a)
    new = selectors.version_get(user=request.user, page=page, number=b)
    context = {
        "page_obj": page,
        "space": page.space,
        "old": old,
        "new": new,
        "diff": text_diff.compare(old.body, new.body),
        "title_changed": old.title != new.title,
        "numbers": list(range(page.version, 0, -1))[:200],
    }
    return render(request, "knowledge/page_diff.html", context)


@login_required
def version_detail(request, pk, number):
    page = selectors.page_get(user=request.user, pk=pk)
    version = selectors.version_get(user=request.user, page=page, number=number)
    context = {
        "page_obj": page,
        "space": page.space,
        "version": version,
        "html": _body_html(request.user, version.body, page.space.slug),
    }
    return render(request, "knowledge/version_detail.html", context)


def _act(request, page: Page, call, done: str):
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(page)


@login_required
@require_POST
def page_restore(request, pk, number):
    page = selectors.page_get(user=request.user, pk=pk)
    return _act(
        request,
        page,
        lambda: services.page_restore(
            actor=request.user,
            page=page,
            number=number,
            base_version=_number(request.POST.get("base_version"), page.version),
        ),
        _("Version %(n)d restored as a new version.") % {"n": number},
    )


@login_required
@require_POST
def page_status(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    status = request.POST.get("status", "")
    label = dict(PageStatus.choices).get(status, status)
    return _act(
        request,
        page,
        lambda: services.page_set_status(actor=request.user, page=page, status=status),
        _("The page is now “%(status)s”.") % {"status": label},
    )


@login_required
@require_POST
def page_approve(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    version = _number(request.POST.get("version"), 0)
    return _act(
        request,
        page,
        lambda: services.page_approve(actor=request.user, page=page, version=version),
        _("You approved version %(n)d.") % {"n": version},
    )


@login_required
@require_POST
def page_verify(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    return _act(
        request,
        page,
        lambda: services.page_verify(actor=request.user, page=page),
        _("Verified: the review clock starts again."),
    )


@login_required
@require_POST
def page_read(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    return _act(
        request,
        page,
        lambda: services.page_mark_read(actor=request.user, page=page),
        _("Marked as read (version %(n)d).") % {"n": page.version},
    )


@login_required
@require_POST
def page_delete(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    space = page.space
    try:
        services.page_delete(actor=request.user, page=page)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(page)
    messages.success(request, _("Page deleted."))
    return redirect(space)


@login_required
@require_POST
def attachment_upload(request, pk):
    page = selectors.page_get(user=request.user, pk=pk)
    attachments_url = f"{page.get_absolute_url()}#attachments"
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(page)
    try:
        attachment = services.attachment_add(
            actor=request.user, page=page, upload=form.cleaned_data["file"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(attachments_url)
    messages.success(
        request,
        _("Attached “%(name)s”. Link it with %(markdown)s")
        % {"name": attachment.name, "markdown": markdown_for(attachment)},
    )
    return redirect(attachments_url)


def markdown_for(attachment) -> str:
    """The Markdown that shows an image or links a file (the lessons' files use it too)."""
    bang = "!" if attachment.is_image else ""
    return f"{bang}[{attachment.name}]({attachment.get_absolute_url()})"


@login_required
def attachment_download(request, pk, name):
    """The file, only for someone who may see its page (the data directory is never public)."""
    attachment = get_object_or_404(Attachment.objects.select_related("page__space"), pk=pk)
    if attachment.name != name or not can_read_space(request.user, attachment.page.space):
        raise Http404
    return file_response(attachment)


def file_response(attachment) -> FileResponse:
    """An uploaded file (``file``, ``name``, ``content_type``): images other than SVG shown
    inline, anything else downloaded, never sniffed (the lessons' files use it too)."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = attachment.content_type or mimetypes.guess_type(attachment.name)[0] or ""
    inline = content_type.startswith("image/") and content_type != "image/svg+xml"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("page__space"), pk=pk)
    page = selectors.page_get(user=request.user, pk=attachment.page_id)
    return _act(
        request,
        page,
        lambda: services.attachment_delete(actor=request.user, attachment=attachment),
        _("Attachment removed."),
    )


@login_required
def search(request):
    form = SearchForm(request.GET or None, user=request.user)
    results, page_number = None, _number(request.GET.get("page"), 1)
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        results = page_search(
            user=request.user,
            q=data["q"],
            space=data["space"],
            owner=data["owner"],
            status=data["status"],
            limit=PER_PAGE,
            offset=(page_number - 1) * PER_PAGE,
        )
    context = {
        "form": form,
        "results": results,
        "page_number": page_number,
        "has_next": bool(results and results.count > page_number * PER_PAGE),
    }
    template = "knowledge/_search_results.html" if request.htmx else "knowledge/search.html"
    return render(request, template, context)


@login_required
def review_list(request):
    """The reader's own stale pages (all of them for an admin who asks ``?all=1``)."""
    everyone = request.user.is_admin and request.GET.get("all") == "1"
    pages = selectors.review_list(user=request.user, owner=None if everyone else request.user)
    context = {"page": paginate(request, pages, PER_PAGE), "everyone": everyone}
    return render(request, "knowledge/review_list.html", context)

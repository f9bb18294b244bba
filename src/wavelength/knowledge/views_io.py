"""Docs as code on the web: a space downloaded as a zip of Markdown files, a zip uploaded."""

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import add_domain_error

from . import selectors
from .forms import ImportForm
from .services.docs_io import docs_export, docs_import

MAX_ZIP_BYTES = 50 * 1024 * 1024


@login_required
def space_export(request, slug):
    space = selectors.space_get(user=request.user, slug=slug)
    files = docs_export(actor=request.user, space=space)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{space.slug}.zip"'
    return response


def read_zip(upload) -> dict[str, str]:
    """The Markdown files of an uploaded zip as text; a bad archive is a DomainError."""
    if upload.size > MAX_ZIP_BYTES:
        raise DomainError(_("The archive is larger than 50 MB."), field="archive")
    try:
        archive = zipfile.ZipFile(upload)
        names = [n for n in archive.namelist() if n.endswith(".md") and not n.startswith("__")]
        total = sum(archive.getinfo(n).file_size for n in names)
        if total > 4 * MAX_ZIP_BYTES:
            raise DomainError(_("The archive unpacks to more than 200 MB."), field="archive")
        return {n: archive.read(n).decode("utf-8") for n in names}
    except (zipfile.BadZipFile, UnicodeDecodeError):
        raise DomainError(
            _("This is not a zip of UTF-8 Markdown files."), field="archive"
        ) from None


@login_required
def page_import(request):
    require_editor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            counts = docs_import(actor=request.user, files=read_zip(form.cleaned_data["archive"]))
        except DomainError as exc:
            add_domain_error(form, DomainError(exc.message, field="archive"))
            status = 422
        else:
            messages.success(
                request,
                _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % counts,
            )
            return redirect("knowledge:home")
    elif request.method == "POST":
        status = 422
    return render(request, "knowledge/import.html", {"form": form}, status=status)

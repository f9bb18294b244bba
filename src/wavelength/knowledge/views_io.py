"""Docs as code on the web: a space downloaded as a zip of Markdown files, a zip uploaded."""

import io
import lzma
import zipfile
import zlib

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
from .services.pages import MAX_BODY

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


# Limits on what an archive unpacks to: a page's text is at most MAX_BODY characters (4 bytes
# each at worst), and the whole import at most MAX_UNPACKED bytes. Entries are read in chunks
# and reading stops at a limit, whatever sizes the archive claims.
MAX_ENTRY_BYTES = 4 * MAX_BODY
MAX_UNPACKED = 100 * 1024 * 1024
READABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
CHUNK = 64 * 1024


def _refuse(message: str):
    return DomainError(message, field="archive")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """One entry's bytes, refusing it past its own limit or the archive's remaining budget."""
    if info.flag_bits & 0x1:
        raise _refuse(
            _("“%(name)s” is encrypted: export it without a password.") % {"name": info.filename}
        )
    if info.compress_type not in READABLE:
        raise _refuse(
            _("“%(name)s” uses a compression method Wavelength cannot read.")
            % {"name": info.filename}
        )
    limit = min(MAX_ENTRY_BYTES, budget)
    chunks, size = [], 0
    with archive.open(info) as entry:
        while chunk := entry.read(CHUNK):
            size += len(chunk)
            if size > limit:
                if limit == budget:
                    raise _refuse(_("The archive unpacks to more than 100 MB."))
                raise _refuse(
                    _("“%(name)s” is larger than a page can be.") % {"name": info.filename}
                )
            chunks.append(chunk)
    return b"".join(chunks)


def read_zip(upload) -> dict[str, str]:
    """The Markdown files of an uploaded zip as text; a bad archive is a DomainError naming
    what is wrong, and nothing is read past the size limits."""
    if upload.size > MAX_ZIP_BYTES:
        raise _refuse(_("The archive is larger than 50 MB."))
    files, budget = {}, MAX_UNPACKED
    try:
        archive = zipfile.ZipFile(upload)
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or not name.endswith(".md") or name.startswith("__"):
                continue
            data = _read_entry(archive, info, budget)
            budget -= len(data)
            files[name] = data.decode("utf-8")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeDecodeError):
        raise _refuse(_("This is not a zip of UTF-8 Markdown files.")) from None
    except (zlib.error, lzma.LZMAError, OSError, NotImplementedError, RuntimeError):
        raise _refuse(_("The archive is damaged: an entry could not be unpacked.")) from None
    return files


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

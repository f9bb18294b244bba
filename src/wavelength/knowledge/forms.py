"""Forms of the knowledge pages: they parse input; the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Team, User
from wavelength.core.forms import VersionedForm

from .models import Page, PageStatus, Space, SpaceVisibility

MARKDOWN_HELP = _(
    "Markdown: **bold**, _italic_, lists, - [ ] tasks, | tables |, ``` code ```, images. "
    "Link pages with [[Page title]], and mention [[feature:Title]], [[release:Orbit 2.4]] "
    "or [[product:Orbit]] (a number after the colon is an id)."
)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.email


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.email


class PageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def _people():
    return User.objects.filter(is_active=True).order_by("name", "email")


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "class": "mono"}),
        help_text=MARKDOWN_HELP,
    )
    parent = PageChoiceField(label=_("Parent page"), queryset=Page.objects.none(), required=False)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    review_interval_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=1, max_value=3650, initial=180
    )
    approvers = PeopleField(
        label=_("Approvers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Everyone named approves each version before it is published."),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, space: Space, page: Page | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Page.objects.filter(space=space).only("pk", "title").order_by("title")
        if page is not None:
            parents = parents.exclude(pk=page.pk)
        self.fields["parent"].queryset = parents
        self.fields["owner"].queryset = _people()
        self.fields["approvers"].queryset = _people()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "parent": data["parent"],
            "owner": data["owner"],
            "review_interval_days": data["review_interval_days"],
            "approvers": list(data["approvers"]),
            "note": data["note"],
        }


class SpaceForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=SpaceVisibility.choices, widget=forms.RadioSelect
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a space only chosen teams can see."),
    )
    owners = PeopleField(
        label=_("Owners"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    approvers = PeopleField(
        label=_("Approvers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Approve pages that name no approvers of their own."),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = _people()
        self.fields["approvers"].queryset = _people()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "visibility": data["visibility"],
            "teams": list(data["teams"]),
            "owners": list(data["owners"]),
            "approvers": list(data["approvers"]),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File or image"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search pages"), max_length=200, required=False)
    space = forms.ModelChoiceField(
        label=_("Space"), queryset=Space.objects.none(), required=False, to_field_name="slug"
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *PageStatus.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = Space.objects.visible_to(user).order_by("position")
        self.fields["space"].empty_label = _("All spaces")
        self.fields["owner"].queryset = _people()
        self.fields["owner"].empty_label = _("Anyone")


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Zip of Markdown files"),
        help_text=_("Each file starts with front matter: title, space, owner, status."),
    )

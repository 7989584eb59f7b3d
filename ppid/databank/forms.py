"""Back-office forms of the data bank. They parse input only: every rule that decides whether
a write is allowed lives in services.py, which the views call with cleaned data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ppid.organizations.models import Office

from .models import Dataset, Group, Licence
from .services import DATASET_FIELDS

FORM_FIELDS = [f if f != "licence_id" else "licence" for f in DATASET_FIELDS]


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return f"{obj.body.name} ({obj.name})"


class DatasetForm(forms.ModelForm):
    """A dataset's metadata: CKAN fields, Satu Data fields, themes, tags and indicators.
    The office is chosen only when creating."""

    office = OfficeChoiceField(queryset=Office.objects.none(), label=_("Producing office"))
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("title"),
        label=_("Groups (themes)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="name",
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas, for example: penduduk, jenis kelamin."),
    )
    indicators = forms.CharField(
        label=_("Indicators"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One indicator a line: name | unit | definition | formula."),
    )
    url = forms.URLField(
        label=_("source page"), required=False, max_length=500, assume_scheme="https"
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=500,
        help_text=_("Recorded in the dataset's history."),
    )  # fmt: skip

    class Meta:
        model = Dataset
        fields = FORM_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 5}),
            "konsep": forms.Textarea(attrs={"rows": 2}),
            "definisi": forms.Textarea(attrs={"rows": 2}),
            "metode_perhitungan": forms.Textarea(attrs={"rows": 2}),
            "interpretasi": forms.Textarea(attrs={"rows": 2}),
            "tahun_data": forms.NumberInput(attrs={"min": 1900, "max": 2100}),
        }

    def __init__(self, *args, offices=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].queryset = Licence.objects.order_by("position")
        self.fields["licence"].empty_label = None
        if editing:
            del self.fields["office"]
            self.fields["groups"].initial = list(
                self.instance.groups.values_list("name", flat=True)
            )
            self.fields["tags"].initial = ", ".join(
                self.instance.tags.values_list("name", flat=True)
            )
            self.fields["indicators"].initial = "\n".join(
                " | ".join([i.name, i.unit, i.definition, i.formula]).rstrip(" |")
                for i in self.instance.indicators.all()
            )
        else:
            del self.fields["reason"]
            queryset = offices if offices is not None else Office.objects.none()
            self.fields["office"].queryset = queryset.select_related("body")
            if offices is not None and offices.count() == 1:
                self.fields["office"].initial = offices.first()

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean_indicators(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
            if not parts[0]:
                raise forms.ValidationError(
                    _("Line %(n)s: the indicator needs a name.") % {"n": number}
                )
            rows.append(
                {"name": parts[0], "unit": parts[1], "definition": parts[2], "formula": parts[3]}
            )
        return rows

    def dataset_fields(self) -> dict:
        fields = {}
        for name in FORM_FIELDS:
            value = self.cleaned_data.get(name)
            if name == "licence":
                fields["licence_id"] = value.pk if value else None
            else:
                fields[name] = (
                    value if value is not None else ("" if name != "tahun_data" else None)
                )
        return fields

    def _post_clean(self):
        # The service validates the model (and the name's uniqueness) itself.
        pass


class ResourceUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResourceLinkForm(forms.Form):
    url = forms.URLField(label=_("Link"), max_length=1000, assume_scheme="https")
    name = forms.CharField(label=_("Name"), max_length=300)
    format = forms.CharField(
        label=_("Format"), required=False, max_length=40,
        help_text=_("For example CSV, XLSX, JSON or PDF; read from the link when empty."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResourceReplaceForm(forms.Form):
    file = forms.FileField(label=_("New file"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the producer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OptionalNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DatasetFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + list(Dataset.Status.choices)
    )


class HarvestSourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Portal address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The address of a CKAN-compatible portal, for example https://data.example.go.id"
        ),
    )
    office = OfficeChoiceField(queryset=Office.objects.none(), label=_("Owning office"))

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = offices if offices is not None else Office.objects.none()
        self.fields["office"].queryset = queryset.select_related("body")
        if offices is not None and offices.count() == 1:
            self.fields["office"].initial = offices.first()

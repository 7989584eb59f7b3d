"""Back-office forms of the registry. They parse input only: every rule that decides
whether a write is allowed lives in services.py, which the views call with cleaned data."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ppid.organizations.models import Office

from .models import Category, ConsequenceTest, InformationItem, Pasal17
from .services import ITEM_FIELDS

# The form edits exactly the fields the services accept.
ITEM_FORM_FIELDS = ITEM_FIELDS


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return obj.name


class ItemForm(forms.ModelForm):
    """Every F49 column of a DIP row. The office is chosen only when creating."""

    office = OfficeChoiceField(queryset=Office.objects.none(), label=_("PPID office"))
    publish = forms.BooleanField(
        label=_("Publish now"),
        required=False,
        help_text=_("Serta merta information is always published at once (F3)."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=500,
        help_text=_("Recorded in the item's history."),
    )  # fmt: skip

    class Meta:
        model = InformationItem
        fields = ITEM_FORM_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "year": forms.NumberInput(attrs={"min": 1945, "max": 2100}),
        }

    def __init__(self, *args, offices=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["office"]
            del self.fields["publish"]
        else:
            del self.fields["reason"]
            self.fields["office"].queryset = (
                offices if offices is not None else Office.objects.none()
            )
            if offices is not None and offices.count() == 1:
                self.fields["office"].initial = offices.first()
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        # The service decides too; checked here so every problem shows at once.
        year = self.cleaned_data["year"]
        if year is not None and not 1945 <= year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Enter a year between 1945 and next year."))
        return year

    def clean(self):
        data = super().clean()
        if not (data.get("form_softcopy") or data.get("form_hardcopy")):
            self.add_error("form_softcopy", _("Choose at least one available form."))
        return data

    def item_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ITEM_FORM_FIELDS}


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), *InformationItem.Status.choices],
    )  # fmt: skip
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    office = forms.ChoiceField(label=_("Office"), required=False)
    overdue = forms.BooleanField(label=_("Review overdue only"), required=False)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All offices"))] + [
            (office.slug, office.name) for office in offices
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )  # fmt: skip


class ReviewForm(forms.Form):
    next_review = forms.DateField(
        label=_("Next review due"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most six months from today (F2). Empty: six months."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DocumentUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    file = forms.FileField(label=_("File"))


class DocumentLinkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.CharField(label=_("Link"), max_length=500)


class DocumentDeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), max_length=500)


class ExemptEntryForm(forms.Form):
    """A consequence test (F10) and the DIK entry it justifies (F50), in one form."""

    office = OfficeChoiceField(queryset=Office.objects.none(), label=_("PPID office"))
    # The consequence test.
    trigger = forms.ChoiceField(label=_("Trigger"), choices=ConsequenceTest.Trigger.choices)
    document_identified = forms.CharField(label=_("Document identified"), max_length=300)
    information_described = forms.CharField(
        label=_("Information described"), widget=forms.Textarea(attrs={"rows": 3})
    )
    law_analysed = forms.CharField(
        label=_("Law analysed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    analysis = forms.CharField(
        label=_("Consequence and public-interest analysis"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=ConsequenceTest.Conclusion.choices
    )
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, position."),
    )  # fmt: skip
    period = forms.CharField(label=_("Exemption period"), max_length=120, required=False)
    tested_on = forms.DateField(
        label=_("Date of the test"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # The DIK entry.
    information = forms.CharField(label=_("Information"), max_length=300)
    ground = forms.ChoiceField(label=_("Pasal 17 ground"), choices=Pasal17.choices)
    ground_subitem = forms.IntegerField(
        label=_("Sub-item of ground a"), required=False, min_value=1, max_value=5
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    consequence = forms.CharField(
        label=_("Consequence if opened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    public_interest = forms.CharField(
        label=_("Consideration of the public interest"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    exempt_until = forms.DateField(
        label=_("Exempt until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Grounds g and h are not time-limited (F9)."),
    )  # fmt: skip
    period_text = forms.CharField(
        label=_("Exemption period (text)"), max_length=120, required=False
    )
    decree_number = forms.CharField(label=_("Classification decree number"), max_length=120)
    decree_place = forms.CharField(label=_("Place of decree"), max_length=120)
    decree_date = forms.DateField(
        label=_("Date of decree"), widget=forms.DateInput(attrs={"type": "date"})
    )

    TEST_FIELDS = ["trigger", "document_identified", "information_described", "law_analysed",
                   "analysis", "conclusion", "participants", "period", "tested_on"]  # fmt: skip
    ENTRY_FIELDS = ["information", "ground", "ground_subitem", "legal_basis", "consequence",
                    "public_interest", "exempt_until", "period_text", "decree_number",
                    "decree_place", "decree_date"]  # fmt: skip

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()

    def clean(self):
        data = super().clean()
        ground = data.get("ground")
        if ground and ground != Pasal17.A and data.get("ground_subitem"):
            self.add_error("ground_subitem", _("Only ground a has sub-items."))
        if ground in ("a", "b", "c", "d", "e", "f") and not (
            data.get("exempt_until") or data.get("period_text")
        ):
            # F7: exemptions under a–f are not permanent.
            self.add_error("exempt_until", _("Grounds a–f need an exemption period."))
        return data

    def test_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.TEST_FIELDS}

    def entry_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ENTRY_FIELDS}


class DipEstablishForm(forms.Form):
    sk_number = forms.CharField(label=_("Decree (SK) number"), max_length=120)
    sk_date = forms.DateField(
        label=_("Decree (SK) date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_sk_date(self):
        value = self.cleaned_data["sk_date"]
        if value > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("The decree date is too far in the future."))
        return value


class ImportUploadForm(forms.Form):
    office = OfficeChoiceField(queryset=Office.objects.none(), label=_("PPID office"))
    file = forms.FileField(label=_("XLSX file"), help_text=_("Use the template."))

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()

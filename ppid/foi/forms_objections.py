"""Forms of the objection pages: they parse input only; the rules live in objections.py."""

import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DESK_CHANNELS, CourtCase, Dispute, Objection, ObjectionGround
from .objections import COURT_STEPS, DISPUTE_STEPS

# F28: what each Pasal 35(1) ground means, in the requester's words.
GROUND_EXPLANATIONS = {
    "a": _("Your request was refused on the basis of an exemption in UU 14/2008 Pasal 17."),
    "b": _("Information the body must publish periodically (Pasal 9) was not provided."),
    "c": _("Your request was not responded to: no written notice came within the time limit."),
    "d": _("The answer you received is not what you asked for."),
    "e": _("Your request was not fulfilled."),
    "f": _("The fees charged are unreasonable."),
    "g": _("The information was delivered later than the time the law allows."),
}


def new_form_token() -> str:
    """A one-time token for one filling of the form: it becomes the objection's submission
    key, so a double submission finds the first objection (idempotency)."""
    return secrets.token_urlsafe(32)


class ObjectionForm(forms.Form):
    """The objection form (F31): grounds a–g (F28, exhaustive) and the case description."""

    grounds = forms.MultipleChoiceField(
        label=_("Grounds for the objection (UU 14/2008 Pasal 35(1))"),
        choices=ObjectionGround.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one objection ground (Pasal 35 a–g).")},
    )
    case_description = forms.CharField(
        label=_("Case description"),
        help_text=_("What happened, and what you object to. Other reasons belong here."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Describe the case: what happened and what you object to.")},
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def ground_explanations(self) -> list[tuple]:
        """The grounds' checkboxes with their explanations, for the template."""
        return [
            (widget, GROUND_EXPLANATIONS[widget.data["value"]])
            for widget in self["grounds"].subwidgets
        ]


class DeskObjectionForm(ObjectionForm):
    """An objection brought to the desk in writing, by letter or by e-mail (F31)."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in DESK_CHANNELS]
    )
    ground_found_on = forms.DateField(
        label=_("Ground found on"),
        required=False,
        help_text=_(
            "When the requester learned of the ground (D4 counts from it). Empty: from the "
            "case data, else today."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    field_order = ["grounds", "case_description", "channel", "ground_found_on"]


class RequestLookupForm(forms.Form):
    registration_number = forms.CharField(
        label=_("Registration number of the request"), max_length=80
    )


class ObjectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Objection.Status.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2010, max_value=2100)
    unanswered = forms.BooleanField(label=_("Unanswered past D5"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettleForm(forms.Form):
    agreement = forms.CharField(
        label=_("What the parties agreed"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("grant", _("Grant the objection: order the information released or corrected")),
            ("uphold", _("Uphold the PPID's decision")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Written reasons"),
        required=False,
        max_length=5000,
        help_text=_("Required when upholding (UU 14/2008 Pasal 36(3))."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Are you satisfied with the response?"),
        choices=Objection.Reply.choices,
        widget=forms.RadioSelect,
    )


def _date_widget():
    return forms.DateInput(attrs={"type": "date"})


class DisputeForm(forms.Form):
    commission = forms.CharField(
        label=_("Information Commission"),
        max_length=200,
        help_text=_("The commission with jurisdiction, e.g. Komisi Informasi Provinsi."),
    )
    register_number = forms.CharField(label=_("KI register number"), max_length=120)
    filed_on = forms.DateField(label=_("Filed on"), widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].initial = timezone.localdate()


class DisputeStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Dispute.Stage.choices)
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=120)
    ruling = forms.CharField(
        label=_("Ruling or mediation agreement"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decision_received_on = forms.DateField(
        label=_("Decision received on"), required=False, widget=_date_widget()
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)

    def __init__(self, *args, dispute: Dispute | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if dispute is not None:
            allowed = DISPUTE_STEPS.get(dispute.stage, set())
            self.fields["stage"].choices = [c for c in Dispute.Stage.choices if c[0] in allowed]


class ExecutionForm(forms.Form):
    execution = forms.CharField(
        label=_("Execution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CourtCaseForm(forms.Form):
    court = forms.ChoiceField(label=_("Court"), choices=CourtCase.Court.choices)
    case_number = forms.CharField(label=_("Case number"), max_length=120)
    filed_on = forms.DateField(label=_("Filed on"), widget=_date_widget())


class CourtCaseUpdateForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=CourtCase.Stage.choices)
    decision = forms.CharField(
        label=_("Court decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decision_received_on = forms.DateField(
        label=_("Decision received on"), required=False, widget=_date_widget()
    )
    cassation_filed_on = forms.DateField(
        label=_("Cassation filed on"), required=False, widget=_date_widget()
    )
    cassation_number = forms.CharField(label=_("Cassation number"), required=False, max_length=120)
    cassation_result = forms.CharField(
        label=_("Supreme Court decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)

    def __init__(self, *args, court_case: CourtCase | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if court_case is not None:
            allowed = COURT_STEPS.get(court_case.stage, set())
            self.fields["stage"].choices = [c for c in CourtCase.Stage.choices if c[0] in allowed]


class CaseDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document."))

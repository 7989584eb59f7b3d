"""Back-office forms of the monev. They parse input only: every rule that decides whether a
write is allowed (state, deadlines, weights, evidence files) lives in services.py, which the
views call with cleaned data."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ppid.core.uploads import ALLOWED
from ppid.organizations.models import Appointment, Body, Office

from .models import (
    AnswerLevel,
    Commission,
    Evaluator,
    Objection,
    Period,
    Question,
    Stage,
    SystemEvidence,
)

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
MEGABYTE = 1024 * 1024


def percent_field(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label, required=required, max_digits=5, decimal_places=2,
        validators=PERCENT_VALIDATORS, help_text=help_text,
    )  # fmt: skip


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return f"{obj.body.name} ({obj.name})"


class _LevelIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        levels = getattr(self.field, "levels", None)
        if levels is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for level in levels:
            yield self.choice(level)

    def __len__(self):
        levels = getattr(self.field, "levels", None)
        if levels is None:
            return super().__len__()
        return len(levels) + (self.field.empty_label is not None)


class LevelChoiceField(forms.ModelChoiceField):
    """A question's answer levels as radio buttons, each with its score."""

    widget = forms.RadioSelect
    iterator = _LevelIterator

    def set_levels(self, question: Question) -> None:
        """Offer `question`'s levels. A page of a hundred questions prefetches them all:
        the choices come from that prefetch (a ModelChoiceField would query its queryset
        once per question); a submitted value is still checked against the database."""
        self.queryset = question.levels.all()
        self.levels = list(question.levels.all())

    def label_from_instance(self, obj: AnswerLevel) -> str:
        return f"{obj.label} ({obj.score.normalize():f})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class ParticipantChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.body.name


# --- period configuration -------------------------------------------------------------------
class PeriodCreateForm(forms.Form):
    organizer = OfficeChoiceField(queryset=Office.objects.none(), label=_("Organising office"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    commission = forms.ChoiceField(
        label=_("Organised by"), choices=Commission.choices, initial=Commission.INTERNAL
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = offices if offices is not None else Office.objects.none()
        self.fields["organizer"].queryset = queryset.select_related("body")
        if offices is not None and offices.count() == 1:
            self.fields["organizer"].initial = offices.first()


class PeriodCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new period"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200,
        help_text=_("Empty: the previous title with the new year."),
    )  # fmt: skip


class PeriodSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    commission = forms.ChoiceField(label=_("Organised by"), choices=Commission.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    # F53: e.g. KI DKI Jakarta 2024 let only bodies scoring at least 65 present.
    presentation_threshold = percent_field(
        _("Minimum questionnaire score to reach the presentation"),
        help_text=_("0 lets every body present."),
    )
    # F54: one PDF of at most 2 MB per question by default.
    evidence_max_mb = forms.DecimalField(
        label=_("Largest evidence file (MB)"), max_digits=5, decimal_places=2,
        min_value=Decimal("0.1"), max_value=Decimal("50"),
    )  # fmt: skip
    evidence_formats = forms.MultipleChoiceField(
        label=_("Evidence file formats"),
        required=False,
        choices=[(kind, kind.upper()) for kind in ALLOWED],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: PDF only."),
    )

    # Wording may change while the period runs; the rules only while it is configured.
    WHILE_OPEN = ("title", "description")

    def __init__(self, *args, rules_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules_editable = rules_editable
        if not rules_editable:
            for name, field in self.fields.items():
                if name not in self.WHILE_OPEN:
                    field.disabled = True

    @classmethod
    def initial_for(cls, period: Period) -> dict:
        return {
            "title": period.title,
            "commission": period.commission,
            "description": period.description,
            "presentation_threshold": period.presentation_threshold,
            "evidence_max_mb": (Decimal(period.evidence_max_bytes) / MEGABYTE).quantize(
                Decimal("0.01")
            ),
            "evidence_formats": list(period.evidence_formats or []),
        }

    def period_fields(self) -> dict:
        data = self.cleaned_data
        if not self.rules_editable:
            return {name: data[name] for name in self.WHILE_OPEN}
        return {
            "title": data["title"],
            "commission": data["commission"],
            "description": data["description"],
            "presentation_threshold": data["presentation_threshold"],
            "evidence_max_bytes": int(data["evidence_max_mb"] * MEGABYTE),
            "evidence_formats": list(data["evidence_formats"]),
        }


class BandRowForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40)
    name = forms.CharField(label=_("Qualification"), max_length=80)
    min_score = percent_field(_("From (inclusive)"))
    max_score = percent_field(
        _("Below (exclusive)"), required=False, help_text=_("Empty for the top band.")
    )


class CategoryRowForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40)
    name = forms.CharField(label=_("Category"), max_length=120)


class RowFormSet(forms.BaseFormSet):
    """Repeated rows: blank extra rows are ignored, ticked rows are removed."""

    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BandFormSet = forms.formset_factory(
    BandRowForm, formset=RowFormSet, extra=2, can_delete=True, max_num=20, validate_max=True,
    absolute_max=40,
)  # fmt: skip
CategoryFormSet = forms.formset_factory(
    CategoryRowForm, formset=RowFormSet, extra=2, can_delete=True, max_num=40,
    validate_max=True, absolute_max=60,
)  # fmt: skip


class StageForm(forms.Form):
    """One stage's dates; the questionnaire, visit and presentation also carry a weight
    (F53: e.g. KI Pusat 2025, questionnaire 80 + visit 20)."""

    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Inclusive, until 23:59 WIB."),
    )  # fmt: skip
    weight = percent_field(_("Weight (%)"))

    def __init__(self, *args, kind: str, weighted: bool, weight_editable: bool = True, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        self.label = Stage.Kind(kind).label
        if not weighted:
            del self.fields["weight"]
        elif not weight_editable:
            self.fields["weight"].disabled = True

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The last day cannot be before the first."))
        return data


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10)
    name = forms.CharField(label=_("Indicator"), max_length=200)
    weight = percent_field(_("Weight (%)"), help_text=_("The indicators' weights total 100."))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)


class QuestionForm(forms.Form):
    code = forms.CharField(label=_("Number"), max_length=12)
    text = forms.CharField(
        label=_("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    guidance = forms.CharField(
        label=_("Guidance"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    weight = forms.DecimalField(
        label=_("Weight within the indicator"), max_digits=6, decimal_places=2,
        min_value=Decimal("0.01"), max_value=Decimal("9999"), initial=1,
    )  # fmt: skip
    evidence = forms.ChoiceField(
        label=_("Evidence"), choices=Question.Evidence.choices, initial=Question.Evidence.FILE
    )
    evidence_required = forms.BooleanField(
        label=_("Evidence required"), required=False, initial=True
    )
    system_evidence = forms.ChoiceField(
        label=_("Evidence the system holds"),
        required=False,
        choices=SystemEvidence.choices,
        help_text=_("Shown beside the question, for information: the evaluator decides."),
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        return {
            name: getattr(question, name)
            for name in ("code", "text", "guidance", "weight", "evidence", "evidence_required",
                         "system_evidence", "order")
        }  # fmt: skip


class LevelRowForm(forms.Form):
    label = forms.CharField(label=_("Answer"), max_length=300)
    score = percent_field(_("Score"))


LevelFormSet = forms.formset_factory(
    LevelRowForm, formset=RowFormSet, extra=3, can_delete=True, max_num=12, validate_max=True,
    absolute_max=20,
)  # fmt: skip


class ParticipantAddForm(forms.Form):
    bodies = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(), label=_("Public bodies"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )  # fmt: skip
    category = forms.ModelChoiceField(queryset=None, label=_("Category"))

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = Body.objects.exclude(
            monev_participations__period=period
        ).order_by("name")
        self.fields["category"].queryset = period.categories.all()


class EvaluatorForm(forms.Form):
    evaluator = UserChoiceField(
        queryset=get_user_model().objects.none(), label=_("User"),
        help_text=_("Officers with a current appointment (they can enter the back office)."),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("Appointed as"), choices=Evaluator.Kind.choices)
    sk_number = forms.CharField(label=_("Decree (SK) number"), required=False, max_length=120)
    participants = ParticipantChoiceField(
        queryset=None, label=_("Assigned bodies"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("None selected: every participant of the period."),
    )  # fmt: skip

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Appointment.objects.current().values("user_id")
        self.fields["evaluator"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, pk__in=staff)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["participants"].queryset = period.participants.select_related("body").order_by(
            "body__name"
        )


class HistoricalResultForm(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.order_by("name"), label=_("Public body"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    commission = forms.ChoiceField(label=_("Evaluated by"), choices=Commission.choices)
    qualification = forms.CharField(label=_("Qualification"), max_length=80)
    score = percent_field(_("Score"), required=False)
    rank = forms.IntegerField(label=_("Rank"), required=False, min_value=1, max_value=100000)
    rank_scope = forms.CharField(
        label=_("Ranked among"), required=False, max_length=200,
        help_text=_("e.g. provincial governments, nationally"),
    )  # fmt: skip
    source_url = forms.URLField(
        label=_("Source"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- the exercise -----------------------------------------------------------------------------
class AnswerForm(forms.Form):
    """A body's answer to one question: its level, explanation and evidence (F54: one PDF of
    at most the period's limit, or a link, as the question says)."""

    level = LevelChoiceField(queryset=AnswerLevel.objects.none(), label=_("Answer"))
    note = forms.CharField(
        label=_("Explanation"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    evidence_link = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )
    remove_evidence = forms.BooleanField(label=_("Remove the evidence file"), required=False)

    def __init__(self, *args, question: Question, has_file: bool = False, **kwargs):
        super().__init__(*args, prefix=f"q{question.pk}", **kwargs)
        self.question = question
        self.fields["level"].set_levels(question)
        accepts = question.evidence
        if accepts not in (Question.Evidence.FILE, Question.Evidence.FILE_OR_LINK):
            del self.fields["evidence_file"]
        else:
            # A hint for the browser's file picker; the service sniffs the content (F54).
            kinds = question.indicator.period.evidence_formats or ["pdf"]
            extensions = sorted({ext for kind in kinds for ext in ALLOWED.get(kind, ("", ()))[1]})
            self.fields["evidence_file"].widget.attrs["accept"] = ",".join(
                f".{ext}" for ext in extensions
            )
        if accepts not in (Question.Evidence.LINK, Question.Evidence.FILE_OR_LINK):
            del self.fields["evidence_link"]
        if not has_file or "evidence_file" not in self.fields:
            del self.fields["remove_evidence"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "note": data["note"],
            "evidence_file": data.get("evidence_file") or None,
            "evidence_link": data.get("evidence_link", ""),
            "remove_evidence": data.get("remove_evidence", False),
        }


class VerifyForm(forms.Form):
    level = LevelChoiceField(queryset=AnswerLevel.objects.none(), label=_("Verified answer"))
    note = forms.CharField(
        label=_("Verifier's note"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, answer, **kwargs):
        super().__init__(*args, prefix=f"v{answer.pk}", **kwargs)
        self.fields["level"].set_levels(answer.question)


class ClarificationRequestForm(forms.Form):
    question = forms.CharField(
        label=_("What needs clarifying"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, answer, **kwargs):
        super().__init__(*args, prefix=f"c{answer.pk}", **kwargs)


class ClarificationReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, clarification, **kwargs):
        super().__init__(*args, prefix=f"r{clarification.pk}", **kwargs)


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds of the objection"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, answer, **kwargs):
        super().__init__(*args, prefix=f"o{answer.pk}", **kwargs)


class ObjectionDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Objection.Decision.UPHELD, Objection.Decision.UPHELD.label),
                 (Objection.Decision.REJECTED, Objection.Decision.REJECTED.label)],
        widget=forms.RadioSelect,
    )  # fmt: skip
    level = LevelChoiceField(
        queryset=AnswerLevel.objects.none(), label=_("New verified answer"), required=False,
        help_text=_("Only when the objection is upheld."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Reasons for the decision"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, objection, **kwargs):
        super().__init__(*args, prefix=f"d{objection.pk}", **kwargs)
        self.fields["level"].set_levels(objection.answer.question)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Objection.Decision.UPHELD and not data.get("level"):
            self.add_error("level", _("An upheld objection needs the new answer."))
        return data


class PanelScoreForm(forms.Form):
    score = percent_field(_("Score (0-100)"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, prefix=f"panel-{stage}", **kwargs)
        self.stage = stage
        self.label = Stage.Kind(stage).label

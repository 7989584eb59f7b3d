"""Form helpers shared by the back-office views of every app."""

from django.core.exceptions import ValidationError


def form_apply_errors(
    form, exc: ValidationError, default_field: str | None = None, *, strip_prefix: str = ""
) -> None:
    """Put a service's ValidationError on the form: per field where the form has that field
    (named without `strip_prefix`, e.g. "requester."), on `default_field` otherwise (None:
    the form's own errors)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = name.removeprefix(strip_prefix) if strip_prefix else name
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)

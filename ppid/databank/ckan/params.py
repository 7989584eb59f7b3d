"""Reading an action's parameters the way CKAN does (ckan/views/api.py _get_request_data):
a JSON object body, a form-encoded or multipart body (a single key holding JSON is the
object itself), or the query string, where a repeated key becomes a list."""

import json

from .errors import BadRequest, ValidationError

MISSING = "Missing value"


def request_data(request) -> dict:
    if request.method == "POST":
        content_type = (request.content_type or "").lower()
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            data = _multi(request.POST)
            if len(data) == 1:
                # One form key holding the whole JSON object (old clients post it so).
                ((key, value),) = data.items()
                if value in ("", "1", None) and key.lstrip().startswith("{"):
                    return _json_object(key)
            return data
        body = request.body
        if not body.strip():
            return _multi(request.GET)
        return _json_object(body)
    return _multi(request.GET)


def _json_object(raw) -> dict:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"Bad request - JSON Error: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest(
            "Bad request - JSON Error: Request data JSON decoded to "
            f"{data!r} but it needs to be a dictionary."[:300]
        )
    return data


def _multi(querydict) -> dict:
    """A QueryDict as a dict: one value as itself, a repeated key as a list."""
    return {key: values[0] if len(values) == 1 else values for key, values in querydict.lists()}


# --- coercion, with CKAN's messages -------------------------------------------------------


def required(data: dict, key: str):
    value = data.get(key)
    if value is None or value == "" or value == []:
        raise ValidationError({key: [MISSING]})
    return value


def as_str(data: dict, key: str, default: str = "") -> str:
    value = data.get(key, default)
    if isinstance(value, list):
        value = value[-1] if value else default
    return "" if value is None else str(value)


def as_bool(data: dict, key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if isinstance(value, list):
        value = value[-1] if value else default
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", "t", "y"):
        return True
    if text in ("false", "0", "no", "off", "f", "n", ""):
        return False
    raise ValidationError({key: ["Value must be one of: true, false"]})


def as_int(
    data: dict, key: str, default: int | None, *, minimum: int | None = 0, maximum=None
) -> int | None:
    """A natural number (CKAN's natural_number_validator / int_validator); `maximum` caps
    silently as CKAN's limit_to_configured_maximum does."""
    value = data.get(key, default)
    if isinstance(value, list):
        value = value[-1] if value else default
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValidationError({key: ["Invalid integer"]})
    try:
        number = int(value) if not isinstance(value, float) else int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({key: ["Invalid integer"]}) from None
    if minimum is not None and number < minimum:
        raise ValidationError(
            {key: ["Must be a natural number" if minimum == 0 else "Invalid integer"]}
        )
    if maximum is not None and number > maximum:
        number = maximum
    return number


def as_list(data: dict, key: str) -> list[str]:
    """A list given as a list, a JSON-encoded list, repeated keys, or one value (and, for
    convenience, a comma-separated string)."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise ValidationError({key: ["Invalid list"]}) from None
            if not isinstance(parsed, list):
                raise ValidationError({key: ["Invalid list"]})
            items = parsed
        else:
            items = [part for part in text.split(",")]
    else:
        items = [value]
    return [str(item).strip() for item in items if str(item).strip()]

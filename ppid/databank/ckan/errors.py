"""The exceptions an action raises, each mapped to CKAN's HTTP status and error `__type`
(ckan/views/api.py; modules.md §1.2). `ckanapi` decides on the JSON only, other clients on
the status: both are CKAN's."""


class ActionError(Exception):
    status = 500
    type_name = "Internal Server Error"
    prefix = ""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def error_dict(self) -> dict:
        message = f"{self.prefix}: {self.message}" if self.message else self.prefix
        return {"__type": self.type_name, "message": message}


class NotFound(ActionError):
    status = 404
    type_name = "Not Found Error"
    prefix = "Not found"


class NotAuthorized(ActionError):
    status = 403
    type_name = "Authorization Error"
    prefix = "Access denied"


class ValidationError(ActionError):
    """Field errors: the body is the dict itself plus __type, e.g.
    {"id": ["Missing value"], "__type": "Validation Error"}."""

    status = 409
    type_name = "Validation Error"

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors

    def error_dict(self) -> dict:
        return {**self.errors, "__type": self.type_name}


class SearchQueryError(ActionError):
    status = 400
    type_name = "Search Query Error"
    prefix = "Search Query is invalid"


class SearchError(ActionError):
    status = 409
    type_name = "Search Error"
    prefix = "Search error"


class BadRequest(Exception):
    """Answered with a bare JSON string and 400, without the envelope (CKAN does so for an
    unknown action, a body that is not a JSON object, and GET on a write action)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

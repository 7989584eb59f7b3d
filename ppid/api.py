"""The JSON API (django-ninja): OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="PPID Terpadu API",
    version="1",
    description="Public information registry of Kalteng's public bodies, and staff write endpoints.",
    urls_namespace="api",
)

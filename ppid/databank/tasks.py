"""Background work of the data bank (Django Tasks API, run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def resource_ingest(resource_id: str) -> str:
    """Read a CSV/XLSX resource into the datastore and record its columns, row count and
    problems (services.resource_ingest_run). Safe to run twice: a second run replaces the
    table with the same rows."""
    from .services import resource_ingest_run

    return resource_ingest_run(resource_id=resource_id)


@task()
def datajson_rebuild() -> str:
    """Build /data.json again for the catalogue as it is now (datajson.datajson_refresh);
    enqueued by the first request that finds the last build out of date."""
    from .datajson import datajson_refresh

    return datajson_refresh()

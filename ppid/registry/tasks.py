"""Background work of the registry (Django Tasks API, run by `manage.py db_worker`)."""

from django_tasks import task

from .models import Document, ImportJob


@task()
def extract_document_text(document_id: int) -> str:
    """Extract a PDF's text and refresh its item's search text. Safe to run twice."""
    from .services import document_extract

    document = Document.objects.select_related("item").filter(pk=document_id).first()
    if document is None:
        return "missing"
    return document_extract(document=document).extraction


@task()
def run_import(job_id: int) -> str:
    """Write a queued XLSX import, all rows or none (services.import_job_run)."""
    from .services import import_job_run

    job = ImportJob.objects.select_related("created_by", "office").filter(pk=job_id).first()
    if job is None:
        return "missing"
    return import_job_run(job=job).status

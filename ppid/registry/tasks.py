"""Background work of the registry (Django Tasks API, run by `manage.py db_worker`)."""

from django_tasks import task

from .models import Document


@task()
def extract_document_text(document_id: int) -> str:
    """Extract a PDF's text and refresh its item's search text. Safe to run twice."""
    from .services import document_extract

    document = Document.objects.select_related("item").filter(pk=document_id).first()
    if document is None:
        return "missing"
    return document_extract(document=document).extraction

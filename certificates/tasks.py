"""Background work through Django's tasks API (django-tasks): in-process by default, a
worker in production."""

from django_tasks import task


@task()
def certificate_render_task(certificate_id: int) -> str:
    """Render and store a certificate's PDF, recording its SHA-256."""
    from .models import Certificate
    from .services import certificate_pdf

    certificate = Certificate.objects.select_related("template").get(pk=certificate_id)
    certificate_pdf(certificate=certificate)
    return certificate.serial

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .codes import verification_code_new
from .models import CertificateTemplate
from .pdf import CertificateText, render_certificate
from .services import verify_url

SAMPLE = {
    "name": "张晓明",
    "unit": "省委网信办/网络舆情处",
    "curriculum": "新媒体时代群众工作能力提升专题班",
    "hours": "16.5",
}


def template_preview(request, template_id: int):
    """The template rendered on sample data, exactly as a certificate would print."""
    if not ModelPermissionPolicy(CertificateTemplate).user_has_permission(request.user, "change"):
        return HttpResponse(status=403)
    template = get_object_or_404(CertificateTemplate, pk=template_id)
    today = timezone.localdate()
    date = f"{today.year}年{today.month}月{today.day}日"
    code = verification_code_new()
    text = CertificateText(
        name=SAMPLE["name"],
        unit=SAMPLE["unit"],
        curriculum=SAMPLE["curriculum"],
        hours=SAMPLE["hours"],
        date=date,
        serial=f"{today.year}-SAMPLE-000001",
        code=code,
        issue_date=date,
        verify_url=verify_url(code),
    )
    response = HttpResponse(render_certificate(template=template, text=text), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    return response


class PreviewColumn(Column):
    def get_value(self, instance):
        url = reverse("certificates_template_preview", args=[instance.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Preview on sample data")
        )


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    url_prefix = "certificate-templates"
    icon = "doc-full-inverse"
    menu_label = _("Certificate templates")
    menu_order = 350
    add_to_admin_menu = True
    list_display = [
        "name",
        "orientation",
        "title",
        "is_default",
        PreviewColumn("preview", label=_("Preview")),
    ]


@hooks.register("register_admin_viewset")
def register_certificate_templates():
    return CertificateTemplateViewSet()


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    return [
        path(
            "certificate-templates/<int:template_id>/preview.pdf",
            template_preview,
            name="certificates_template_preview",
        )
    ]

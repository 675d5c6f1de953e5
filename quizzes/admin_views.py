"""Trainer screens in the Wagtail admin: bank import (dry run, then confirm), export,
templates, and quiz statistics."""

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import neutralise
from core.tabular.errors import blocking
from core.tabular.pending import pending_put, pending_take

from .import_preview import preview
from .importing import write
from .importing.moodle_xml import write_moodle_xml
from .importing.parse import parse_question_file
from .importing.word import template_docx
from .models import QuestionBank, Quiz
from .selectors import quiz_statistics
from .services import duplicates_in, question_bank_as_parsed, question_bank_import

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Question file"),
        help_text=gettext_lazy(
            "XLSX or CSV (our template), Word (.docx, our layout), Moodle XML (.xml), "
            "or Moodle GIFT / Aiken text (.txt, .gift)."
        ),
    )


def _download(data: bytes, filename: str) -> HttpResponse:
    content_types = {
        "xlsx": XLSX_TYPE,
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xml": "application/xml",
        "csv": "text/csv; charset=utf-8",
    }
    content_type = content_types[filename.rpartition(".")[2]]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@permission_required("quizzes.add_question", raise_exception=True)
def bank_import(request, bank_id: int):
    """Upload → dry run showing every question with its answers, what will be skipped and why,
    and any error (nothing written) → confirm → the questions written, all or none."""
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    context = {
        "bank": bank,
        "page_title": _("Import questions into %(bank)s") % {"bank": bank},
        "header_icon": "upload",
    }
    if request.method == "POST" and "token" in request.POST:
        return _bank_import_confirm(request, bank)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            data = upload.read()
            questions, problems = parse_question_file(filename=upload.name, data=data)
            errors, skipped = blocking(problems), [problem for problem in problems if problem.skipped]
            duplicates = duplicates_in(bank=bank, questions=questions)
            context.update(
                questions=[
                    preview(question, duplicate=question.line in duplicates) for question in questions
                ],
                errors=errors,
                skipped=skipped,
                new_count=len(questions) - len(duplicates),
                filename=upload.name,
            )
            if not errors and len(questions) > len(duplicates):
                context["token"] = pending_put(
                    request, f"bank-import:{bank.pk}", filename=upload.name, data=data
                )
            elif not errors and not questions:
                context["errors"] = [_("The file contains no questions this bank can hold.")]
            elif not errors:
                messages.info(request, _("Every question of this file is already in the bank."))
    context["form"] = form
    return render(request, "quizzes/admin/bank_import.html", context)


def _bank_import_confirm(request, bank: QuestionBank):
    pending = pending_take(request, f"bank-import:{bank.pk}")
    if pending is None:
        messages.warning(request, _("This import was already done or has expired; upload the file again."))
        return redirect("quizzes_bank_import", bank_id=bank.pk)
    filename, data = pending["filename"], pending["data"]
    questions, problems = parse_question_file(filename=filename, data=data)
    if blocking(problems):
        messages.error(request, _("The file is no longer valid; upload it again."))
        return redirect("quizzes_bank_import", bank_id=bank.pk)
    try:
        created = question_bank_import(bank=bank, questions=questions, user=request.user)
    except ValidationError as refused:
        # The parsers check what the bank stores; this is the last line, and nothing was written.
        messages.error(
            request, _("Nothing was imported: %(reason)s") % {"reason": "; ".join(refused.messages)}
        )
        return redirect("quizzes_bank_import", bank_id=bank.pk)
    skipped = len(problems)
    messages.success(
        request,
        _(
            "%(count)s questions imported into %(bank)s; %(skipped)s not supported and "
            "%(present)s already in the bank were left out."
        )
        % {
            "count": len(created),
            "bank": bank,
            "skipped": skipped,
            "present": len(questions) - len(created),
        },
    )
    if created:
        messages.info(
            request,
            _(
                "The imported questions are drafts: officials get them once a reviewer approves a "
                "course whose quizzes use them."
            ),
        )
    return redirect(reverse("question:list") + f"?bank={bank.pk}")


@permission_required("quizzes.view_question", raise_exception=True)
def bank_export(request, bank_id: int, file_format: str):
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    questions = question_bank_as_parsed(bank=bank)
    if file_format == "xlsx":
        return _download(write.export_xlsx(questions), f"{bank.name}.xlsx")
    if file_format == "xml":
        # Moodle XML keeps what the spreadsheet cannot: partial credit, feedback, formatting.
        return _download(write_moodle_xml(questions, category=bank.name), f"{bank.name}.xml")
    return _download(write.export_csv(questions), f"{bank.name}.csv")


@permission_required("quizzes.view_question", raise_exception=True)
def question_template(request, file_format: str):
    if file_format == "docx":
        return _download(template_docx(), "题库导入模板.docx")
    if file_format == "xlsx":
        return _download(write.template_xlsx(), "题库导入模板.xlsx")
    return _download(write.template_csv(), "题库导入模板.csv")


@permission_required("quizzes.view_quiz", raise_exception=True)
def quiz_stats(request, quiz_id: int):
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    stats = quiz_statistics(quiz=quiz)
    peak = max((count for _label, count in stats.distribution), default=0) or 1
    context = {
        "quiz": quiz,
        "stats": stats,
        "bars": [(label, count, round(100 * count / peak)) for label, count in stats.distribution],
        "page_title": _("Statistics: %(quiz)s") % {"quiz": quiz},
        "header_icon": "table",
    }
    return render(request, "quizzes/admin/quiz_stats.html", context)


@permission_required("quizzes.view_quiz", raise_exception=True)
def quiz_stats_csv(request, quiz_id: int):
    """The per-question table of the statistics page, for a spreadsheet (UTF-8 with BOM)."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    stats = quiz_statistics(quiz=quiz)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Question"),
            _("Answered"),
            _("Answered correctly (difficulty)"),
            _("Discrimination"),
            _("Most chosen wrong option"),
            _("Times chosen"),
        ]
    )
    for question in stats.questions:
        writer.writerow(
            [
                neutralise(question.stem),
                question.answered,
                "" if question.correct_share is None else f"{question.correct_share:.2f}",
                "" if question.discrimination is None else f"{question.discrimination:.2f}",
                neutralise(question.top_wrong_option or ""),
                question.top_wrong_count or "",
            ]
        )
    return _download(buffer.getvalue().encode("utf-8-sig"), f"{quiz.title}-统计.csv")

from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from . import admin_views
from .admin_forms import ScenarioForm
from .models import ForbiddenExpression, Scenario

GRADE_PERMISSION = "drills.grade_scenario"


def scenario_links(scenario, user) -> list[tuple[str, str]]:
    """The scenario's trainer screens; grading only for those who may grade."""
    links = [
        (reverse("drills_scenario_timeline", args=[scenario.pk]), _("Timeline")),
        (reverse("drills_scenario_stats", args=[scenario.pk]), _("Statistics")),
    ]
    if user.has_perm(GRADE_PERMISSION):
        links.append((reverse("drill_grading:queue") + f"?scenario={scenario.pk}", _("Grading")))
    links.append((reverse("drills_scenario_export", args=[scenario.pk]), _("Export")))
    return links


class LinksColumn(Column):
    """A column of admin links built per row by `links(instance, user)`."""

    def __init__(self, name, label, links):
        super().__init__(name, label=label)
        self.links = links

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        links = self.links(instance, parent_context["request"].user)
        context["value"] = format_html_join(" · ", '<a href="{}">{}</a>', links)
        return context


class ScenarioIndexView(IndexView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)  # never the shared class-level list
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                Button(
                    _("Import a scenario"),
                    url=reverse("drills_scenario_import"),
                    icon_name="upload",
                    priority=30,
                )
            )
        return buttons


class ScenarioEditView(EditView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Timeline"),
                url=reverse("drills_scenario_timeline", args=[self.object.pk]),
                icon_name="time",
            ),
        ]

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)  # never the shared class-level list
        timeline = reverse("drills_scenario_timeline", args=[self.object.pk])  # a header button already
        links = [
            (url, label) for url, label in scenario_links(self.object, self.request.user) if url != timeline
        ]
        for priority, (url, label) in enumerate(links, 40):
            buttons.append(Button(label, url=url, icon_name="link", priority=priority))
        return buttons


class ScenarioViewSet(SnippetViewSet):
    """Scenarios are snippets with drafts, revisions, locking and the course review workflow, as
    quizzes are (drills.setup): officials get a change once a reviewer approves it."""

    model = Scenario
    edit_handler = ObjectList(Scenario.panels, base_form_class=ScenarioForm)
    index_view_class = ScenarioIndexView
    edit_view_class = ScenarioEditView
    url_prefix = "drills/scenarios"
    url_namespace = "scenario"
    # Listed in the drills menu group, not under Snippets.
    menu_item_is_registered = True
    icon = "time"
    menu_label = _("Scenarios")
    list_display = [
        "title",
        "lesson",
        "pass_mark",
        LiveStatusTagColumn(),
        LinksColumn("links", _("Actions"), scenario_links),
    ]
    search_fields = ["title"]


class ForbiddenExpressionViewSet(ModelViewSet):
    """The phrases a public response must not use, with the reasons trainers give. A run keeps
    the list as it was when it started."""

    model = ForbiddenExpression
    url_prefix = "drills/forbidden-expressions"
    icon = "warning"
    menu_label = _("Forbidden expressions")
    list_display = ["phrase", "reason", "active"]
    list_filter = ["active"]
    search_fields = ["phrase", "reason"]
    copy_view_enabled = False


class GraderMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(GRADE_PERMISSION)


class GradingViewSet(ViewSet):
    """The queue of submitted runs awaiting the rubric, and the grading page of each."""

    name = "drill_grading"
    url_prefix = "drills/grading"
    icon = "tasks"
    menu_label = _("Grading queue")
    menu_item_class = GraderMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.queue, name="queue"),
            path("<int:run_id>/", admin_views.grade, name="grade"),
        ]


class DrillsViewSetGroup(ViewSetGroup):
    menu_label = _("Drills")
    menu_icon = "time"
    menu_order = 310
    items = (ScenarioViewSet, ForbiddenExpressionViewSet, GradingViewSet)


@hooks.register("register_admin_viewset")
def register_drill_viewsets():
    return DrillsViewSetGroup()


@hooks.register("register_admin_urls")
def register_drill_admin_urls():
    return [
        path(
            "drills/timeline/<int:scenario_id>/",
            admin_views.scenario_timeline,
            name="drills_scenario_timeline",
        ),
        path(
            "drills/statistics/<int:scenario_id>/", admin_views.scenario_stats, name="drills_scenario_stats"
        ),
        path(
            "drills/export/<int:scenario_id>.json", admin_views.scenario_export, name="drills_scenario_export"
        ),
        path("drills/import/", admin_views.scenario_import_view, name="drills_scenario_import"),
    ]

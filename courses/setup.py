"""The course tree every installation needs: the catalogue as the site root, readable only
after login, editable by trainers, published through review."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from people import roles

from .models import CourseIndexPage

CATALOGUE_TITLE = "课程中心"
# Trainers' images, videos, captions and documents. Other collections (the certificates'
# seals and signatures) stay out of their reach.
COURSE_MEDIA_COLLECTION = "课程素材"
WORKFLOW_NAME = "课程审核"
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page")
REVIEWER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def course_tree_ensure() -> CourseIndexPage | None:
    """Create whatever is missing of the catalogue, its site, its restriction, its editors'
    permissions and its review workflow. Safe to run any number of times."""
    groups = roles.roles_ensure()
    with transaction.atomic():
        catalogue = CourseIndexPage.objects.first()
        if catalogue is None:
            root = Page.get_first_root_node()
            if root is None:
                # A flushed database (e.g. between transactional tests) has no page tree.
                return None
            # Wagtail's installation leaves a plain welcome page; the catalogue replaces it.
            Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
            catalogue = root.add_child(instance=CourseIndexPage(title=CATALOGUE_TITLE, slug="courses"))
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=catalogue, is_default_site=True)
        elif site.root_page_id != catalogue.pk:
            site.root_page = catalogue
            site.save()
        PageViewRestriction.objects.get_or_create(page=catalogue, restriction_type=PageViewRestriction.LOGIN)
        _grant(groups[roles.TRAINER], catalogue, TRAINER_PAGE_PERMISSIONS)
        _grant(groups[roles.REVIEWER], catalogue, REVIEWER_PAGE_PERMISSIONS)
        _workflow_ensure(catalogue, groups[roles.REVIEWER])
        _course_media_ensure(groups[roles.TRAINER], groups[roles.REVIEWER])
        _wagtail_defaults_remove()
    return catalogue


# What Wagtail's installation creates for a generic site: English-named groups with rights over
# the whole page tree, and an approval workflow for them. The roles above replace them.
WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


def _wagtail_defaults_remove() -> None:
    """Remove Wagtail's default groups and workflow while nobody uses them."""
    unused = Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, workflow_states__isnull=True)
    for workflow in unused:
        tasks = [link.task for link in workflow.workflow_tasks.select_related("task")]
        workflow.delete()
        for task in tasks:
            if not task.task_states.exists() and not task.workflow_tasks.exists():
                task.delete()
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


def named_collection(name: str) -> Collection:
    """The collection of this name under the root (created if missing)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def course_media_collection() -> Collection:
    """The collection trainers upload course media into."""
    return named_collection(COURSE_MEDIA_COLLECTION)


def _course_media_collect(collection: Collection) -> None:
    """Once, when the course media collection is made: the media uploaded before it (in the
    root collection) move into it, except the images certificates use, which stay out of
    trainers' reach."""
    templates = apps.get_model("certificates", "CertificateTemplate").objects.values_list(
        "background_id", "signature_id", "seal_id"
    )
    certificate_images = {image for row in templates for image in row if image}
    root = Collection.get_first_root_node()
    Image.objects.filter(collection=root).exclude(pk__in=certificate_images).update(collection=collection)
    Document.objects.filter(collection=root).update(collection=collection)


def _course_media_ensure(*groups: Group) -> None:
    root = Collection.get_first_root_node()
    if root is None:
        return
    if not root.get_children().filter(name=COURSE_MEDIA_COLLECTION).exists():
        _course_media_collect(course_media_collection())
    collection = course_media_collection()
    for group in groups:
        GroupCollectionPermission.objects.filter(group=group, collection__depth=1).delete()
        roles.collection_permissions_grant(group, collection)


def _grant(group: Group, page: Page, codenames: tuple[str, ...]) -> None:
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def review_workflow(reviewers: Group | None = None) -> Workflow:
    """The course review workflow (one approval by a 课程审核人), created if missing. Pages in
    the catalogue and the quizzes on them go through it."""
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        task = GroupApprovalTask.objects.create(name="课程审核人审核")
        task.groups.set([reviewers or roles.roles_ensure()[roles.REVIEWER]])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def _workflow_ensure(page: Page, reviewers: Group) -> None:
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": review_workflow(reviewers)})


def course_tree_ensure_after_migrate(**kwargs) -> None:
    roles.permissions_create_all()
    course_tree_ensure()

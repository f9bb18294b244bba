"""Who may see and change what in training (services and selectors ask here).

Members read published and archived courses; drafts are read by editors. A course's owner and
the administrators change it. Editors assign courses. A learner's answers are read by the
learner and the administrators; their scores also by their manager.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from wavelength.knowledge.models import Page

from .models import Course, CourseStatus


def is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_read(user, course: Course) -> bool:
    if not is_member(user):
        return False
    return course.status != CourseStatus.DRAFT or user.can_edit or course.owner_id == user.pk


def can_manage(user, course: Course) -> bool:
    return is_member(user) and (user.is_admin or course.owner_id == user.pk)


def require_manage(user, course: Course) -> None:
    if not can_manage(user, course):
        raise PermissionDenied(_("Only the owner of this course can change it."))


def readable_courses(user):
    if not is_member(user):
        return Course.objects.none()
    if user.can_edit:
        return Course.objects.all()
    return Course.objects.filter(~Q(status=CourseStatus.DRAFT) | Q(owner=user))


def hidden_pages(user, page_ids) -> list[Page]:
    """The course's knowledge pages that ``user`` may not read."""
    ids = set(page_ids)
    if not ids:
        return []
    visible = set(Page.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return list(Page.objects.filter(pk__in=ids - visible))


def sees_scores_of(viewer, learner_id: int, manager_id: int | None) -> bool:
    """A person's scores: theirs, their manager's, the administrators'."""
    return is_member(viewer) and (
        viewer.is_admin or viewer.pk == learner_id or manager_id == viewer.pk
    )


def sees_answers_of(viewer, learner_id: int) -> bool:
    return is_member(viewer) and (viewer.is_admin or viewer.pk == learner_id)


def progress_scope(viewer) -> Q:
    """Whose progress ``viewer`` sees, as a filter on rows with ``user`` and ``course``: an
    administrator everyone's; others their own, their reports' and their courses' learners'."""
    if viewer.is_admin:
        return Q()
    return Q(user=viewer) | Q(user__manager=viewer) | Q(course__owner=viewer)

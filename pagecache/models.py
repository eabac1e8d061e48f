from django.db import models
from django.db.models import Q
from django.utils import timezone


class ContentVersion(models.Model):
    """A counter that every change to the site's content moves on (see version.py).

    It lives in the database, next to the content, so that the change and the new
    version commit together and every worker and server sees both at once.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="content_version_single_row")]

    def __str__(self):
        return f"Content version {self.version}"

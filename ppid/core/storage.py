"""The private file storage, resolved lazily so settings (and test overrides) apply.

Private files (drafts' documents, ID-card scans) are never under a public URL: they are
served by views that check access first.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


def get_private_storage():
    """Callable for FileField(storage=...): migrations record the reference, not the object."""
    return private_storage


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty

"""What a save changes, for the receivers that keep derived figures: ``remember`` (connected to
``pre_save``) reads the stored values of some fields before the save, and ``changed`` (in the
``post_save`` receiver) tells whether the save changed one of them."""


def remember(fields: list[str], key: str):
    """A ``pre_save`` receiver that keeps the stored values of ``fields`` on the instance under
    ``key`` (``None`` for a new row): one read per save of an existing row."""

    def receiver(sender, instance, raw=False, **kwargs):
        if raw:
            return
        before = None
        if not (instance._state.adding or instance.pk is None):
            before = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()
        setattr(instance, key, before)

    return receiver


def before(instance, key: str) -> dict | None:
    """The values ``remember`` kept under ``key``."""
    return getattr(instance, key, None)


def changed(instance, field: str, key: str) -> bool:
    """Whether this save changed ``field`` of an existing row."""
    stored = before(instance, key)
    return stored is not None and stored[field] != getattr(instance, field)

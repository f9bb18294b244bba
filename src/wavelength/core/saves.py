"""What a save changes, for the receivers that keep derived figures: ``remember`` (connected to
``pre_save``) reads the stored values of some fields before the save, and ``changed`` (in the
``post_save`` receiver) tells whether the save changed one of them."""


def remember(fields: list[str], key: str):
    """A ``pre_save`` receiver that keeps the stored values of ``fields`` (attribute names,
    such as ``company_id``) on the instance under ``key``: one read per save of an existing
    row, none for a new row or a save whose ``update_fields`` names none of them (``None``
    kept: nothing changed)."""

    def receiver(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw:
            return
        before = None
        saved = None if update_fields is None else _attnames(sender, update_fields)
        existing = not (instance._state.adding or instance.pk is None)
        if existing and (saved is None or saved & set(fields)):
            before = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()
        setattr(instance, key, before)

    return receiver


def _attnames(model, names) -> set[str]:
    return {model._meta.get_field(n).attname for n in names}


def before(instance, key: str) -> dict | None:
    """The values ``remember`` kept under ``key``."""
    return getattr(instance, key, None)


def changed(instance, field: str, key: str) -> bool:
    """Whether this save changed ``field`` of an existing row."""
    stored = before(instance, key)
    return stored is not None and stored[field] != getattr(instance, field)

"""How far a long job has got, readable while its transaction is still open.

A job that writes all or nothing (an import) holds one transaction to the end, so counts it
saved on its own row would only show once it is over. It publishes them here instead: a small
JSON file under the media folder, replaced atomically, which every server process of the
installation reads (they share the media folder, as they share uploads). The job clears it
when it ends; its row then holds the final counts.
"""

import json
from pathlib import Path

from django.conf import settings


def _path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "progress" / f"{name}.json"


def publish(name: str, counts: dict[str, int]) -> None:
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(counts))
    tmp.replace(path)


def read(name: str) -> dict[str, int]:
    """The counts last published under ``name``; empty when none (or not readable yet)."""
    try:
        counts = json.loads(_path(name).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(counts, dict):
        return {}
    return {k: v for k, v in counts.items() if isinstance(v, int)}


def clear(name: str) -> None:
    _path(name).unlink(missing_ok=True)

"""Fixtures for the core pages."""

from pathlib import Path

import pytest
from django.core.management import call_command

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "wavelength" / "locale"


@pytest.fixture(scope="session")
def french_compiled():
    """The French catalogue compiled (``make messages`` does this before the suite)."""
    po = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command(
            "compilemessages", locale=["fr"], ignore=[".*", "node_modules", "var"], verbosity=0
        )
    from django.utils.translation import trans_real

    trans_real._translations = {}  # forget catalogues loaded before the .mo existed

"""The server freezes what it loaded, so a garbage collection skips it (core/startup.py)."""

import os
import subprocess
import sys


def test_the_wsgi_application_freezes_everything_loaded_at_start_up(tmp_path):
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "wavelength.settings"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    script = (
        "import gc, sys, time\n"
        "import wavelength.wsgi\n"
        "print(gc.get_freeze_count(), 'wavelength.training.views' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, views_loaded = int(out[-2]), out[-1]
    assert views_loaded == "True"  # the URL configuration was loaded before freezing
    assert frozen > 100_000

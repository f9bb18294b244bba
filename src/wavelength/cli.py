"""The ``wavelength`` command line: Django's management commands under one name.

``wavelength serve``, ``wavelength worker``, ``wavelength demo``, ``wavelength token create`` and
every Django command (``wavelength migrate``) run through the same entry point.
"""

import os
import sys

EVALUATION_COMMANDS = {"eval-triage", "eval-themes", "eval-duplicates"}


def main(argv: list[str] | None = None) -> None:
    argv_in = sys.argv if argv is None else argv
    if len(argv_in) > 1 and argv_in[1] in EVALUATION_COMMANDS:
        # Pure scikit-learn work on a CSV: no settings, no database, no Django start-up.
        from wavelength.intelligence.cli import main as evaluate

        sys.exit(evaluate(list(argv_in[1:])))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wavelength.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "wavelength"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

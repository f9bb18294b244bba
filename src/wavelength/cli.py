"""The ``wavelength`` command line: Django's management commands under one name.

``wavelength serve``, ``wavelength worker``, ``wavelength demo``, ``wavelength token create`` and
every Django command (``wavelength migrate``) run through the same entry point.
"""

import os
import sys
from collections import defaultdict
from importlib.util import find_spec

EVALUATION_COMMANDS = {"eval-triage", "eval-themes", "eval-duplicates"}
HELP = {"help", "--help", "-h"}


def main_help() -> str:
    """The list of commands, as ``django-admin help`` prints it, without starting Django.

    Starting Django imports every app (and the triage's machine-learning libraries) only to list
    the files in each app's ``management/commands`` folder; this reads the same folders.
    """
    from django.conf import settings
    from django.core.management import find_commands

    commands = dict.fromkeys(
        find_commands(os.path.dirname(find_spec("django.core.management").origin)), "django"
    )
    for app in reversed(settings.INSTALLED_APPS):  # the first app to define a name wins
        spec = find_spec(app)
        for folder in (spec.submodule_search_locations if spec else None) or []:
            found = find_commands(os.path.join(folder, "management"))
            commands.update(dict.fromkeys(found, app.rpartition(".")[-1]))
    groups = defaultdict(list)
    for name, app in commands.items():
        groups[app].append(name)
    lines = [
        "",
        "Type 'wavelength help <subcommand>' for help on a specific subcommand.",
        "",
        "Available subcommands:",
    ]
    for app in sorted(groups):
        lines += ["", f"[{app}]", *(f"    {name}" for name in sorted(groups[app]))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv_in = sys.argv if argv is None else argv
    if len(argv_in) > 1 and argv_in[1] in EVALUATION_COMMANDS:
        # Pure scikit-learn work on a CSV: no settings, no database, no Django start-up.
        from wavelength.intelligence.cli import main as evaluate

        sys.exit(evaluate(list(argv_in[1:])))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wavelength.settings")
    if len(argv_in) == 1 or (len(argv_in) == 2 and argv_in[1] in HELP):
        print(main_help())
        return
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "wavelength"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

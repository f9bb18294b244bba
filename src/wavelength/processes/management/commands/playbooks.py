"""``wavelength playbooks install``: add the standard playbooks (safe to run again)."""

from django.core.management.base import BaseCommand

from wavelength.processes import standard


class Command(BaseCommand):
    help = "Manage playbooks. install: add the standard playbooks that are not there yet."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["install"])

    def handle(self, *args, action: str, **options):
        created = standard.install()
        for playbook in created:
            self.stdout.write(
                f"Installed {playbook.name} ({playbook.current_version.steps.count()} steps)"
            )
        if not created:
            self.stdout.write("The standard playbooks are already installed.")

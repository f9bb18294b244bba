"""``wavelength playbooks install``: add the standard playbooks (safe to run again).

``wavelength playbooks check-conditions``: complete the condition steps whose condition now
holds, in every run in progress (what Celery beat does every ten minutes)."""

from django.core.management.base import BaseCommand

from wavelength.processes import standard


class Command(BaseCommand):
    help = (
        "Manage playbooks. install: add the standard playbooks that are not there yet. "
        "check-conditions: complete the steps of runs in progress whose condition now holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["install", "check-conditions"])

    def handle(self, *args, action: str, **options):
        if action == "check-conditions":
            return self._check_conditions()
        created = standard.install()
        for playbook in created:
            self.stdout.write(
                f"Installed {playbook.name} ({playbook.current_version.steps.count()} steps)"
            )
        if not created:
            self.stdout.write("The standard playbooks are already installed.")

    def _check_conditions(self) -> None:
        from wavelength.processes.services import runsteps_check_conditions

        done = runsteps_check_conditions()
        for step in done:
            self.stdout.write(f"Completed “{step.title}” in {step.run.title} (run {step.run_id})")
        runs = len({s.run_id for s in done})
        if done:
            self.stdout.write(f"{len(done)} step(s) completed in {runs} run(s).")
        else:
            self.stdout.write("No condition step is ready to complete.")

"""``wavelength retrain_triage``: learn from the workspace's triage decisions now."""

from django.core.management.base import BaseCommand

from wavelength.feedback.triage import retrain


class Command(BaseCommand):
    help = "Retrain the triage model on every type and sentiment a person has set."

    def handle(self, *args, **options):
        model = retrain()
        state = "trained" if model.trained else "not enough decisions yet: rules stay in use"
        self.stdout.write(f"Triage model from {model.examples} decisions ({state}).")

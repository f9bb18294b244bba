"""Playbooks for the processes tests, built through the services."""

import pytest

from wavelength.processes import services
from wavelength.processes.services import StepSpec


def make_playbook(actor, name="Launch", steps=None):
    steps = steps or [
        StepSpec(title="Write notes", due_offset_days=1),
        StepSpec(title="Review notes", due_offset_days=3, depends_on=[1]),
        StepSpec(title="Publish", due_offset_days=5, depends_on=[2]),
    ]
    return services.playbook_create(actor=actor, name=name, steps=steps)


@pytest.fixture
def playbook(editor):
    return make_playbook(editor)

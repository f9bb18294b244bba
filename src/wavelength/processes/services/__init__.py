"""Every write of the processes app: playbooks and their versions, runs and their steps,
product and release requirements and team onboarding. One transaction each, with its activity
row."""

from .playbooks import (  # noqa: F401
    StepSpec,
    playbook_create,
    playbook_step_move,
    playbook_step_remove,
    playbook_step_save,
    playbook_update,
    playbook_version_create,
    specs_of,
)
from .runs import (  # noqa: F401
    run_cancel,
    run_start,
    runstep_approve,
    runstep_assign,
    runstep_complete,
    runstep_reopen,
    runstep_skip,
    runsteps_check_conditions,
)
from .settings import (  # noqa: F401
    onboarding_start_for_member,
    product_playbooks_require,
    release_playbooks_require,
    team_onboarding_set,
)

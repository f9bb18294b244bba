"""The API keeps its contract: schemathesis over the whole OpenAPI document, as an admin and
as a viewer, with every check, on requests that fit the schema and on requests that do not.

One setting differs from schemathesis's defaults: a request that fits the schema may be
answered 422. That is this API's answer to input that breaks a rule a JSON schema cannot say
(a reference to something that does not exist, a name already taken, a recurrence rule that
never produces a date), and the body names the field, as for any other 422 (docs/api.md).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from wavelength.accounts.services import token_create
from wavelength.wsgi import application

pytestmark = pytest.mark.contract

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
            }
        }
    }
)
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
@pytest.mark.parametrize("persona", ["admin", "viewer"])
def test_operation_keeps_its_contract(operation, mode, persona, request, product):
    user = request.getfixturevalue(persona)
    _token, raw = token_create(actor=user, user=user, name="contract")
    headers = {"Authorization": f"Bearer {raw}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=3,
        deadline=None,
        derandomize=True,  # the same requests on every run
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers)

    check()

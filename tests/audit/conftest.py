import logging

import pytest

from people import roles
from tests.factories.people import user_with_role


@pytest.fixture
def security_admin(db):
    return user_with_role(roles.SECURITY_ADMIN, employee_id="AQ6001", full_name="孙安")


@pytest.fixture
def auditor(db):
    return user_with_role(roles.AUDITOR, employee_id="SJ7001", full_name="周审")


@pytest.fixture
def audit_log(caplog):
    """Records of the "training.audit" logger (the "training" logger does not propagate to the
    root logger, so the capture handler goes on it)."""
    logger = logging.getLogger("training")
    added = caplog.handler not in logger.handlers
    if added:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="training.audit")
    yield caplog
    if added:
        logger.removeHandler(caplog.handler)

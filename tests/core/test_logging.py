"""Application log lines reach the log: sign-ins, audit rows, certificate events, imports."""

import logging

import pytest


@pytest.mark.parametrize(
    "name", ["training.auth", "training.audit", "training.certificates", "training.onboarding"]
)
def test_every_application_logger_writes_info_to_the_console(name):
    logger = logging.getLogger(name)
    assert logger.isEnabledFor(logging.INFO)
    handlers = []
    while logger is not None:
        handlers += logger.handlers
        logger = logger.parent if logger.propagate else None
    assert any(
        isinstance(handler, logging.StreamHandler) and handler.level <= logging.INFO for handler in handlers
    )

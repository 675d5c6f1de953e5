import pytest

from tests.drills import factories


@pytest.fixture
def scenario():
    return factories.scenario()


@pytest.fixture
def learner(client, official):
    """The official, signed in on the test client."""
    client.force_login(official)
    return official

"""One root for the desk's refusals: every app's refusal is a DeskError, so a view shows any of them the same way;
a provider's fault is not a refusal and stays outside it."""

import pytest

from assignment.exceptions import AssignmentRefused
from core.exceptions import DeskError
from feedback.exceptions import ClaimRefused, FeedbackError
from notifications.exceptions import ChannelError, MessageRefused, TemplateRefused
from orders.exceptions import IntakeConflict, NextStepRequired, OrderError, StaleOrder, StatusChangeRefused


@pytest.mark.parametrize(
    "refusal",
    [
        OrderError,
        StatusChangeRefused,
        StaleOrder,
        NextStepRequired,
        IntakeConflict,
        AssignmentRefused,
        FeedbackError,
        ClaimRefused,
        MessageRefused,
        TemplateRefused,
    ],
)
def test_every_apps_refusal_is_a_desk_error(refusal):
    assert issubclass(refusal, DeskError)


def test_a_providers_fault_is_not_a_refusal_to_show():
    assert not issubclass(ChannelError, DeskError)

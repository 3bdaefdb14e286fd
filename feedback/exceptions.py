from core.exceptions import DeskError


class FeedbackError(DeskError):
    """A feedback rule refused the input; the message is shown to the person."""


class ClaimRefused(FeedbackError):
    pass

class FeedbackError(Exception):
    """A feedback rule refused the input; the message is shown to the person."""


class ClaimRefused(FeedbackError):
    pass

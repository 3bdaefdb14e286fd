from core.exceptions import DeskError


class MessageRefused(DeskError):
    """A message to a customer cannot be written (no address, a closed WhatsApp window, an empty text); the
    message is shown to the person."""


class TemplateRefused(MessageRefused):
    """A message template does not render: a syntax error or a variable that does not exist."""


class ChannelError(Exception):
    """The provider refused or could not be reached. `permanent`: trying again will not help (an invalid
    number, an unsubscribed customer), so the message fails at once. `uncertain`: the request may have reached
    the provider (a timeout, a connection dropped after sending), so the message may have gone after all."""

    def __init__(self, text: str, *, code: str = "", permanent: bool = False, uncertain: bool = False):
        super().__init__(text)
        self.code, self.permanent, self.uncertain = code, permanent, uncertain

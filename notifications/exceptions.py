class MessageRefused(Exception):
    """A message to a customer cannot be written (no address, a closed WhatsApp window, an empty text); the
    message is shown to the person."""


class TemplateRefused(MessageRefused):
    """A message template does not render: a syntax error or a variable that does not exist."""


class ChannelError(Exception):
    """The provider refused or could not be reached. `permanent`: trying again will not help (an invalid
    number, an unsubscribed customer), so the message fails at once."""

    def __init__(self, text: str, *, code: str = "", permanent: bool = False):
        super().__init__(text)
        self.code, self.permanent = code, permanent

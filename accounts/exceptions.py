from core.exceptions import DeskError


class LanguageRefused(DeskError):
    """A language the desk does not speak."""

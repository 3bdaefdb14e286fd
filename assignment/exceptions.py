class AssignmentRefused(Exception):
    """An order cannot be given to this manager; the message says why, in words for the person."""

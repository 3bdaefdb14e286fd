class DeskError(Exception):
    """A rule of the desk refused what a person (or the storefront) asked; the message says why, in words for
    them. Each app's refusals subclass it, so a view shows any refusal the same way by catching this one."""

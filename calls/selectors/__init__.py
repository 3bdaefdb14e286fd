from calls.selectors.cards import CallCard, LegState, call_card, legs_live

__all__ = ["CallCard", "LegState", "call_card", "legs_live"]

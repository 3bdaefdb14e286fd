"""A shop's phone settings as the calls read them: its ShopVoice row, or the defaults when the admin has not set
one (a shop answers the phone from the day it has a voice number)."""

from orders.models import Shop, ShopAddress, ShopVoice


def shop_voice(shop: Shop) -> ShopVoice:
    """The shop's settings (unsaved defaults when it has none)."""
    return ShopVoice.objects.filter(shop=shop).first() or ShopVoice(shop=shop)


def voice_number_shop(number: str) -> Shop | None:
    """The shop whose voice number this is (E.164), or None."""
    claimed = ShopAddress.objects.filter(channel=ShopAddress.Channel.VOICE, address=number).select_related("shop")
    address = claimed.first()
    return address.shop if address is not None else None

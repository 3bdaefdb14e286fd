"""A shop's calendar: the dates its weekly hours do not hold (holidays, shortened pre-holiday days, Saturdays a
decree made working days)."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orders.models.shops import Shop

# Russia's Labour Code (art. 95): the working day before a public holiday is one hour shorter.
SHORTENED_BY = timedelta(hours=1)


class ShopDay(models.Model):
    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        SHORTENED = "shortened", _("Shortened day")
        WORKING = "working", _("Working day")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="days", verbose_name=_("shop"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)
    opens_at = models.TimeField(
        _("opens at"),
        null=True,
        blank=True,
        help_text=_(
            "Blank: a working day keeps the usual hours; a shortened day closes one hour earlier than usual."
        ),
    )
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["shop", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "date"],
                name="shop_day_one_per_date",
                violation_error_message=_("This date is already in the shop's calendar."),
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="shop_day_closes_after_opening",
                violation_error_message=_("Give both hours, closing after opening, or neither."),
            ),
        ]

    def __str__(self):
        return f"{self.shop} {self.date:%Y-%m-%d}: {self.get_kind_display()}"

    def clean(self):
        given = (self.opens_at is not None, self.closes_at is not None)
        if self.kind == self.Kind.DAY_OFF:
            if any(given):
                raise ValidationError({"opens_at": _("A day off has no hours: leave them blank.")})
            return
        if given == (True, False) or given == (False, True):
            raise ValidationError({"closes_at": _("Give both hours for this day, or neither for the usual ones.")})
        if self.opens_at is None or self.closes_at is None:
            return
        if self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Closing time must be after opening time.")})
        shop = self.shop if self.shop_id else None
        if (
            self.kind == self.Kind.SHORTENED
            and shop is not None
            and not shop.always_open
            and not shop.opens_at <= self.opens_at < self.closes_at <= shop.closes_at
        ):
            raise ValidationError(
                {
                    "closes_at": _("A shortened day keeps within the shop's usual hours, %(hours)s.")
                    % {"hours": shop.hours_label}
                }
            )

    def hours(self, shop: Shop) -> tuple[time, time] | None:
        """The day's opening and closing time (blank hours: the shop's usual ones, an hour shorter on a shortened
        day); None when the shop is closed all day."""
        if self.kind == self.Kind.DAY_OFF:
            return None
        if self.opens_at is not None and self.closes_at is not None:
            return self.opens_at, self.closes_at
        if self.kind == self.Kind.WORKING:
            return shop.opens_at, shop.closes_at
        any_day = date(2000, 1, 2)
        earlier = datetime.combine(any_day, shop.closes_at) - SHORTENED_BY
        if earlier.date() != any_day or earlier.time() <= shop.opens_at:
            return None  # a day of an hour or less, shortened by an hour, is no day
        return shop.opens_at, earlier.time()

import hashlib
import zoneinfo
from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django_fsm import (
    RETURN_VALUE,
    ConcurrentTransitionMixin,
    FSMField,
    TransitionNotAllowed,
    transition,
)

E164 = RegexValidator(r"^\+[1-9]\d{6,14}$", "Enter the phone in international format, e.g. +79161234567.")
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour like #0d6efd.")
WORKING_DAYS = RegexValidator(r"^[1-7]{1,7}$", "List ISO weekdays as digits, e.g. 12345 for Monday to Friday.")


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone {value!r}; use a name like Europe/Moscow.")


def hash_api_key(key: str) -> str:
    # Keys are long random tokens, so a fast hash is enough; the raw key is never stored.
    return hashlib.sha256(key.encode()).hexdigest()


class Shop(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="Europe/Moscow", validators=[validate_timezone])
    always_open = models.BooleanField("open 24/7", default=False)
    opens_at = models.TimeField(default=time(9, 0))
    closes_at = models.TimeField(default=time(21, 0))
    working_days = models.CharField(
        max_length=7, default="1234567", validators=[WORKING_DAYS], help_text="ISO weekdays, 1 = Monday."
    )
    api_key_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.always_open and self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": "Closing time must be after opening time (or tick 24/7)."})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def hours_label(self) -> str:
        if self.always_open:
            return "24/7"
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Status(models.Model):
    """An order status, edited by the admin. Orders hold its code; codes of used statuses never change."""

    class Group(models.TextChoices):
        NEW = "new", "New"
        APPROVAL = "approval", "Approval"
        ASSEMBLY = "assembly", "Assembly"
        DELIVERY = "delivery", "Delivery"
        COMPLETE = "complete", "Complete"
        CANCEL = "cancel", "Cancel"

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=80)
    group = models.CharField(max_length=16, choices=Group.choices)
    position = models.PositiveSmallIntegerField("order", default=0)
    colour = models.CharField(max_length=7, default="#6c757d", validators=[HEX_COLOUR])
    time_limit = models.DurationField(
        null=True, blank=True, help_text="How long an order may stay in this status, in working hours."
    )
    is_final = models.BooleanField("final", default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "statuses"

    def __str__(self):
        return self.name


class StatusTransition(models.Model):
    """One allowed step of the status matrix; limited to some groups of users when groups are set."""

    source = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="transitions_out")
    target = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="transitions_in")
    groups = models.ManyToManyField(
        Group, blank=True, help_text="Who may make this step; empty means every member of staff."
    )

    class Meta:
        ordering = ["source__position", "target__position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="status_transition_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="status_transition_not_loop"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"


class Customer(models.Model):
    class LegalType(models.TextChoices):
        PERSON = "person", "Person"
        COMPANY = "company", "Company"

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="customers")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=16, blank=True, validators=[E164])
    email = models.EmailField(blank=True)
    legal_type = models.CharField(max_length=8, choices=LegalType.choices, default=LegalType.PERSON)
    is_vip = models.BooleanField("VIP", default=False)
    responsible_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "phone"], condition=~Q(phone=""), name="customer_unique_phone_per_shop"
            ),
            models.CheckConstraint(condition=~Q(phone="", email=""), name="customer_has_contact"),
        ]
        indexes = [models.Index(fields=["shop", "email"], name="customer_shop_email_idx")]

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The customer's own zone when known, else the shop's."""
        return zoneinfo.ZoneInfo(self.timezone) if self.timezone else self.shop.zone


class OrderQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # The status only moves through Order.change_status (the matrix); a bulk update must not skip it.
        if "status" in kwargs:
            raise TransitionNotAllowed("Order status changes only through the status matrix.")
        return super().update(**kwargs)

    def open(self):
        return self.filter(is_final=False)


class Order(ConcurrentTransitionMixin, models.Model):
    class Type(models.TextChoices):
        B2C = "b2c", "B2C"
        B2B = "b2b", "B2B"

    class Method(models.TextChoices):
        CART = "cart", "Cart"
        ONE_CLICK = "one_click", "One click"
        PHONE = "phone", "Phone"
        LANDING = "landing", "Landing page"
        CHAT = "chat", "Chat"
        MANUAL = "manual", "Manual"
        MARKETPLACE = "marketplace", "Marketplace"

    class PaymentState(models.TextChoices):
        UNPAID = "unpaid", "Not paid"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"

    number = models.CharField(max_length=32, unique=True, null=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    external_id = models.CharField(max_length=64, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    order_type = models.CharField("type", max_length=3, choices=Type.choices, default=Type.B2C)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.CART)
    region = models.CharField(max_length=80, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    payment_state = models.CharField(max_length=8, choices=PaymentState.choices, default=PaymentState.UNPAID)
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    comment = models.TextField(blank=True)
    delivery_address = models.TextField(blank=True)
    delivery_date = models.DateField(null=True, blank=True)
    tracking_code = models.CharField(max_length=64, blank=True)
    # Indexed by order_manager_open_idx, which leads with the manager.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        db_index=False,
    )
    status = FSMField(max_length=32, default="new", protected=True)
    is_final = models.BooleanField(default=False, editable=False)
    status_entered_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    is_overdue = models.BooleanField(default=False)
    overdue_since = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    # Calls in a row that did not reach the customer: the step of the no-answer ladder the order is on.
    missed_calls = models.PositiveSmallIntegerField(default=0, editable=False)
    # Set only by the customer's feedback, never by staff.
    rating = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "external_id"], condition=~Q(external_id=""), name="order_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="order_rating_1_5"
            ),
        ]
        indexes = [
            # The overdue sweep reads only open, not yet flagged orders whose deadline has passed.
            models.Index(fields=["deadline"], condition=Q(is_overdue=False, is_final=False), name="order_due_idx"),
            models.Index(
                fields=["overdue_since"],
                condition=Q(is_overdue=True, escalated_at__isnull=True, is_final=False),
                name="order_escalation_idx",
            ),
            # Active orders per manager (quotas, load) and the unassigned queue.
            models.Index(fields=["manager", "is_final"], name="order_manager_open_idx"),
            models.Index(fields=["shop", "-created_at"], name="order_shop_created_idx"),
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
            # The queue priority of the order list: overdue first, then soonest due, then oldest.
            models.Index(fields=["-is_overdue", "deadline", "created_at"], name="order_priority_idx"),
        ]

    def __str__(self):
        return f"Order {self.number or self.pk}"

    @transition(field=status, source="*", target=RETURN_VALUE())
    def change_status(self, target: str, by=None) -> str:
        """The only way a status changes: the (current, target) pair must be in the matrix, and if the pair
        names groups, the user must be in one of them (system moves, by=None, skip the group check)."""
        step = (
            StatusTransition.objects.filter(source__code=self.status, target__code=target)
            .prefetch_related("groups")
            .first()
        )
        if step is None:
            raise TransitionNotAllowed(f"The status matrix does not allow {self.status} → {target}.", object=self)
        allowed_groups = {group.pk for group in step.groups.all()}
        outside_groups = by is not None and allowed_groups and not by.is_superuser
        if outside_groups and not by.groups.filter(pk__in=allowed_groups).exists():
            raise TransitionNotAllowed(
                f"Your role may not move orders from {step.source} to {step.target}.", object=self
            )
        return target


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200)
    qty = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.qty} × {self.name}"

    @property
    def line_total(self) -> Decimal:
        return self.qty * self.price


class OrderEvent(models.Model):
    """Append-only history of an order: who did what, when."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS = "status", "Status changed"
        ASSIGNMENT = "assignment", "Assigned"
        MANAGER = "manager", "Manager changed"
        CALL = "call", "Call"
        TASK = "task", "Task"
        NOTE = "note", "Note"
        PAYMENT = "payment", "Payment"
        OVERDUE = "overdue", "Overdue"
        ESCALATION = "escalation", "Escalated"
        RATING = "rating", "Rating"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_events",
    )
    text = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"], name="orderevent_order_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Order history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Order history is append-only.")


class AccessGrant(models.Model):
    """What a member of staff may see and work on. An empty list means all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grant")
    shops = models.ManyToManyField(Shop, blank=True, related_name="access_grants")
    order_types = models.JSONField(default=list, blank=True)
    methods = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"Access of {self.user}"

    def refusal_for(self, order: "Order") -> str:
        """Why this grant does not cover the order ('' when it does). Reads the prefetched shops."""
        shop_ids = [shop.pk for shop in self.shops.all()]
        if shop_ids and order.shop_id not in shop_ids:
            return f"not granted shop {order.shop.code}"
        if self.order_types and order.order_type not in self.order_types:
            return f"not granted {order.get_order_type_display()} orders"
        if self.methods and order.method not in self.methods:
            return f"not granted method {order.get_method_display()}"
        if self.regions and order.region not in self.regions:
            return f"not granted region {order.region or '(none)'}"
        return ""

    def clean(self):
        errors = {}
        for field, choices in (("order_types", Order.Type), ("methods", Order.Method)):
            unknown = set(getattr(self, field) or []) - set(choices.values)
            if unknown:
                errors[field] = f"Unknown values: {', '.join(sorted(unknown))}."
        if errors:
            raise ValidationError(errors)


def default_escalation_grace() -> timedelta:
    return timedelta(minutes=settings.ORDERDESK["ESCALATION_GRACE_MINUTES"])


class SingletonSettings(models.Model):
    """A settings table with one row, edited in admin; `load()` creates it with its defaults."""

    class Meta:
        abstract = True

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class DeskSettings(SingletonSettings):
    """Site-wide defaults the admin edits (one row)."""

    escalation_grace = models.DurationField(
        default=default_escalation_grace,
        help_text="How long an order stays overdue before supervisors are alerted.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "desk settings"

    def __str__(self):
        return "Desk settings"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    UNREACHABLE = "unreachable", "Unreachable"


class Task(models.Model):
    """A next step: a call or a to-do about an order or a customer, for oneself or a colleague."""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        CUSTOM = "custom", "To do"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tasks")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks")
    # Empty: the desk made it (the no-answer ladder).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CALL)
    text = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # A person's open tasks, soonest first (queue page, Next button, dashboard).
            models.Index(
                fields=["assignee", "due_at", "id"], condition=Q(done_at__isnull=True), name="task_open_idx"
            ),
            # The reminder sweep reads only due tasks not yet reminded.
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, reminded_at__isnull=True),
                name="task_remind_idx",
            ),
            models.Index(fields=["order"], condition=Q(done_at__isnull=True), name="task_order_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class NoAnswerStep(models.Model):
    """One rung of the no-answer ladder: after miss number `miss`, call again in `retry_after`. A miss past the
    last rung gives up: the order is cancelled as unreachable (or handed to a supervisor)."""

    miss = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1)])
    retry_after = models.DurationField()

    class Meta:
        ordering = ["miss"]
        verbose_name = "no-answer ladder step"

    def __str__(self):
        return f"Miss {self.miss}: call again in {self.retry_after}"


class CallScript(models.Model):
    """What a manager says on a call for this shop. {customer}, {manager} and {shop} are filled in."""

    PLACEHOLDERS = ("customer", "manager", "shop")
    SECTIONS = ("greeting", "reason", "questions", "terms", "objections")

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="call_script")
    greeting = models.TextField(blank=True)
    reason = models.TextField("reason for the call", blank=True)
    questions = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    objections = models.TextField("answers to objections", blank=True)

    def __str__(self):
        return f"Call script of {self.shop}"

    def filled(self, **names: str) -> list[tuple[str, str]]:
        """(section title, text) pairs with the names put in; plain replacement, so braces in a script are safe."""
        sections = []
        for field_name in self.SECTIONS:
            text = getattr(self, field_name)
            for placeholder in self.PLACEHOLDERS:
                text = text.replace("{" + placeholder + "}", names.get(placeholder, ""))
            if text.strip():
                sections.append((self._meta.get_field(field_name).verbose_name.capitalize(), text))
        return sections

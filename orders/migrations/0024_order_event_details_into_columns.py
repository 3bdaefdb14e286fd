"""History lines written before the columns: a status line's move, a change of hands and a call's outcome go from
the line's JSON into their columns (orders.history reads them there). In batches of ids, each its own
transaction, so a long history moves without one long lock, and a stopped run goes on where it stopped: only
lines whose JSON still holds the keys move. The keys are spelt here as they were written then."""

from django.db import NotSupportedError, migrations, transaction
from django.db.models import Func, IntegerField, JSONField, Max, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf

BATCH = 5000

# The kinds of line, and each column with the JSON key it comes from.
MOVES = [
    (["status"], {"status_from": "from", "status_to": "to"}),
    (["assignment", "manager"], {"manager_from_id": "from", "manager_to_id": "to"}),
    (["call"], {"call_outcome": "outcome"}),
]


class Without(Func):
    """The line's JSON without some keys; the two databases spell it differently."""

    output_field = JSONField()

    def __init__(self, *keys: str):
        super().__init__("data")
        self.keys = keys

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Orderdesk runs on SQLite and PostgreSQL.")

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        paths = ", ".join(["%s"] * len(self.keys))
        return f"JSON_REMOVE({sql}, {paths})", [*params, *(f'$."{key}"' for key in self.keys)]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql}{' - %s::text' * len(self.keys)})", [*params, *self.keys]


def _value(column: str, key: str):
    text = KT(f"data__{key}")
    # A user id, or none: SQLite spells a JSON null 'null' as text, which must not become user 0.
    return Cast(NullIf(text, Value("null")), IntegerField()) if column.endswith("_id") else text


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    last = OrderEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    for kinds, columns in MOVES:
        values = {column: _value(column, key) for column, key in columns.items()}
        written = OrderEvent.objects.filter(kind__in=kinds, data__has_key=next(iter(columns.values())))
        for start in range(0, last, BATCH):
            with transaction.atomic():
                written.filter(pk__gt=start, pk__lte=start + BATCH).update(
                    **values, data=Without(*columns.values())
                )


def backwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    for kinds, columns in MOVES:
        moved = OrderEvent.objects.filter(kind__in=kinds).exclude(data__has_key=next(iter(columns.values())))
        while batch := list(moved.order_by("pk")[:BATCH]):
            for event in batch:
                event.data |= {key: getattr(event, column) for column, key in columns.items()}
                for column in columns:
                    setattr(event, column, None)
            with transaction.atomic():
                OrderEvent.objects.bulk_update(batch, ["data", *columns])


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own

    dependencies = [
        ("orders", "0023_order_event_details_columns"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

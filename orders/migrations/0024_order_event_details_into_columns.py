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


class _Json(Func):
    """An expression on the line's JSON; the two databases spell JSON differently."""

    output_field = JSONField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Orderdesk runs on SQLite and PostgreSQL.")


class Without(_Json):
    """The line's JSON without these keys."""

    def __init__(self, *keys: str):
        super().__init__("data")
        self.keys = keys

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        paths = ", ".join(["%s"] * len(self.keys))
        return f"JSON_REMOVE({sql}, {paths})", [*params, *(f'$."{key}"' for key in self.keys)]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql}{' - %s::text' * len(self.keys)})", [*params, *self.keys]


class WithColumns(_Json):
    """The line's JSON with these columns as keys ({column: key}); a column's null is the key's null."""

    def __init__(self, columns: dict[str, str]):
        super().__init__("data", *columns)
        self.keys = list(columns.values())

    def _compiled(self, compiler, key_sql: str, key_param):
        """The JSON's SQL and params, and the (key, column) pairs' SQL and params."""
        (data, data_params), *columns = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        pairs, params = [], []
        for key, (sql, column_params) in zip(self.keys, columns, strict=True):
            pairs += [key_sql, sql]
            params += [key_param(key), *column_params]
        return data, data_params, ", ".join(pairs), params

    def as_sqlite(self, compiler, connection, **extra):
        data, data_params, pairs, params = self._compiled(compiler, "%s", lambda key: f'$."{key}"')
        return f"JSON_SET({data}, {pairs})", [*data_params, *params]

    def as_postgresql(self, compiler, connection, **extra):
        data, data_params, pairs, params = self._compiled(compiler, "%s::text", str)
        return f"({data} || JSONB_BUILD_OBJECT({pairs}))", [*data_params, *params]


def _value(column: str, key: str):
    text = KT(f"data__{key}")
    # A user id, or none: SQLite spells a JSON null 'null' as text, which must not become user 0.
    return Cast(NullIf(text, Value("null")), IntegerField()) if column.endswith("_id") else text


def _in_batches(lines, **values) -> None:
    """Update the lines a batch of ids at a time, each batch its own transaction."""
    last = lines.model._default_manager.aggregate(last=Max("pk"))["last"] or 0  # read on the primary key's index
    for start in range(0, last, BATCH):
        with transaction.atomic():
            lines.filter(pk__gt=start, pk__lte=start + BATCH).update(**values)


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    for kinds, columns in MOVES:
        written = OrderEvent.objects.filter(kind__in=kinds, data__has_key=next(iter(columns.values())))
        values = {column: _value(column, key) for column, key in columns.items()}
        _in_batches(written, **values, data=Without(*columns.values()))


def backwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    for kinds, columns in MOVES:
        moved = OrderEvent.objects.filter(kind__in=kinds).exclude(data__has_key=next(iter(columns.values())))
        _in_batches(moved, data=WithColumns(columns), **dict.fromkeys(columns))


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own

    dependencies = [
        ("orders", "0023_order_event_details_columns"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

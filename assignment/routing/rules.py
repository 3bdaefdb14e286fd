"""Routing's rules: who may take an order or a conversation (a `Routable`), and in which order to offer it, from
the team as read (`sql.TeamRow`). Pure: no database (`reads` reads what they need)."""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from assignment.models import AssignmentDecision, Presence, RoutingSettings
from assignment.routing.routables import Routable
from assignment.routing.sql import Held, TeamRow
from core.people import person_name

# Why a manager was passed over, as a decision stores it: in English whatever language routing ran in (a queue
# worker, a Russian manager's request), read in the reader's language by `reason_shown`.
AWAY: dict[str, str] = {
    Presence.BUSY: gettext_noop("busy"),
    Presence.LUNCH: gettext_noop("on lunch"),
    Presence.BREAK: gettext_noop("on a break"),
    Presence.OFFLINE: gettext_noop("offline"),
}
AT_QUOTA = gettext_noop("at quota")  # a count's key: "at quota (10/10)" counts as "at quota"
_AT_QUOTA_OF = re.compile(r"at quota \(([\d.]+)/(\d+)\)")
SLIPPED_NOTE = "let this order time out at %(time)s: others first"
_SLIPPED_NOTE = re.compile(r"let this order time out at (.+): others first")


def load_number(load: Decimal | int) -> int | float:
    """A load as a decision stores and a page shows it: 3, or 2.5 with conversations counted at their weight."""
    load = Decimal(load)
    return int(load) if load == load.to_integral_value() else float(load)


def at_quota(load: Decimal | int, quota: int) -> str:
    return f"{AT_QUOTA} ({load_number(load)}/{quota})"


def reason_shown(stored: str) -> str:
    """A stored reason or candidate's note in the reader's language, a grant's refusal included."""
    if stored in AWAY.values() or stored == AT_QUOTA:
        return gettext(stored)
    if found := _AT_QUOTA_OF.fullmatch(stored):
        return gettext("at quota (%(open)s/%(quota)s)") % {"open": found[1], "quota": found[2]}
    if found := _SLIPPED_NOTE.fullmatch(stored):
        return gettext("let this order time out at %(time)s: others first") % {"time": found[1]}
    return _grant_refusal_shown(stored)


# A grant's refusals as `grant_refusal` writes them in English; the shop's name and region are data, the order
# type's and method's labels are said in the reader's language.
_NOT_GRANTED = [
    (re.compile(r"not granted shop (.+)"), gettext_noop("not granted shop %(shop)s"), "shop", False),
    (re.compile(r"not granted method (.+)"), gettext_noop("not granted method %(method)s"), "method", True),
    (re.compile(r"not granted region \(none\)"), None, "", False),
    (re.compile(r"not granted region (.+)"), gettext_noop("not granted region %(region)s"), "region", False),
    (re.compile(r"not granted (.+) orders"), gettext_noop("not granted %(type)s orders"), "type", True),
]


def _grant_refusal_shown(stored: str) -> str:
    for pattern, message, name, is_label in _NOT_GRANTED:
        if found := pattern.fullmatch(stored):
            if message is None:
                return gettext("not granted region %(region)s") % {"region": gettext("(none)")}
            value = found[1]
            return gettext(message) % {name: gettext(value) if is_label else value}
    return stored


@dataclass
class Candidate:
    profile_pk: int
    user_id: int
    name: str  # as people call them (`staff_name`), told apart by username when two share a name
    username: str
    first_name: str
    last_name: str
    experience: int
    load: Decimal  # open orders, and open conversations at their weight
    quota: int
    idle_since: datetime
    # When this manager let this very order time out, within the cooling-off time: others are offered it first.
    slipped_at: datetime | None = None

    def as_user(self) -> User:
        """The manager as a user built from the team as read, without a query: loaded as `.only()` would load
        it (any other field is read on first use), enough for the hand-over to store, name and notify."""
        user = User
        known = dict(id=self.user_id, username=self.username, first_name=self.first_name, last_name=self.last_name)
        # from_db takes the values in the model's field order.
        values = [known[field.attname] for field in user._meta.concrete_fields if field.attname in known]
        return user.from_db(connection.alias, list(known), values)


@dataclass
class Survey:
    eligible: list[Candidate]
    excluded: dict[str, str]
    granted: dict[int, Candidate]  # every manager granted the order, whatever their presence or load


@dataclass
class Team:
    """The managers as routing sees them (`sql.routing_team()`, two statements, plus the settings row). Routing
    reads it afresh for each order; the queue reads it once per batch and counts its own assignments into it,
    because the manager's row lock re-checks presence and quota before every assignment anyway. `stale`: the
    lock found it out of date; read it again."""

    settings: RoutingSettings
    profiles: list[TeamRow]
    stale: bool = False

    def took_one(self, user_id: int, now: datetime, *, conversation: bool = False) -> None:
        """An order (or a conversation) was just assigned to this manager."""
        for profile in self.profiles:
            if profile.user_id == user_id:
                if conversation:
                    profile.open_conversations += 1
                else:
                    profile.open_orders += 1
                profile.idle_since = now

    def load_of(self, profile: TeamRow) -> Decimal:
        """Open orders, and open conversations at the settings' weight: what the quota bounds."""
        return Held(profile.open_orders, profile.open_conversations).load(self.settings.conversation_weight)

    def quota_of(self, profile: TeamRow) -> int:
        """The manager's own quota, else the desk's default."""
        quota = profile.quota_override
        return quota if quota is not None else self.settings.default_quota

    def anyone_has_room(self) -> bool:
        """Has any Free manager room for one more conversation, the lightest thing routed? (Grants aside: routing
        decides those per order or conversation.)"""
        lightest = min(Decimal(1), self.settings.conversation_weight)
        return any(
            profile.presence == Presence.FREE and self.load_of(profile) + lightest <= self.quota_of(profile)
            for profile in self.profiles
        )


def survey(routed: Routable, team: Team, *, slipped: Mapping[int, datetime]) -> Survey:
    """Every manager, eligible or with the reason they are not: a manager has room while what it weighs fits
    under their quota. `slipped`: when each manager who let this very order or conversation time out within the
    cooling-off time did so, by user id (`reads.survey` reads it)."""
    result = Survey(eligible=[], excluded={}, granted={})
    weight = routed.weight(team.settings)
    names = {
        profile.pk: person_name(profile.first_name, profile.last_name, profile.username)
        for profile in team.profiles
    }
    shared = {name for name, times in Counter(names.values()).items() if times > 1}
    for profile in team.profiles:
        user_id = profile.user_id
        name = names[profile.pk]
        candidate = Candidate(
            profile_pk=profile.pk,
            user_id=user_id,
            name=f"{name} ({profile.username})" if name in shared else name,
            username=profile.username,
            first_name=profile.first_name,
            last_name=profile.last_name,
            experience=profile.experience,
            load=team.load_of(profile),
            quota=team.quota_of(profile),
            idle_since=profile.idle_since,
            slipped_at=slipped.get(user_id),
        )
        grant = profile.grant
        refusal = ""
        if grant is not None:  # no grant: everything
            with translation.override("en"):  # stored as every reason is, in English; `reason_shown` says it
                refusal = routed.refusal(grant)
        if refusal:
            result.excluded[candidate.name] = refusal
            continue
        result.granted[user_id] = candidate
        if profile.presence != Presence.FREE:
            result.excluded[candidate.name] = AWAY[profile.presence]
        elif candidate.load + weight > candidate.quota:
            result.excluded[candidate.name] = at_quota(candidate.load, candidate.quota)
        else:
            result.eligible.append(candidate)
    return result


def rank(routed: Routable, found: Survey) -> tuple[str, list[Candidate]]:
    """The rule that applies and the eligible managers in the order it offers them; a manager who let this order
    or conversation time out lately comes last, whatever the rule."""
    own = routed.customer.responsible_manager_id
    if own is not None:
        mine = [c for c in found.eligible if c.user_id == own and c.slipped_at is None]
        if mine:
            return AssignmentDecision.Rule.REPEAT, mine
    if routed.customer.is_vip:
        return AssignmentDecision.Rule.VIP, sorted(
            found.eligible,
            key=lambda c: (c.slipped_at is not None, -c.experience, c.load, c.idle_since),
        )
    return AssignmentDecision.Rule.EVEN_LOAD, sorted(
        found.eligible, key=lambda c: (c.slipped_at is not None, c.load, c.idle_since)
    )

"""Writes of channel records (Art. 4): each in one transaction with its audit entry. Errors the
officer can correct are raised together as `Invalid`, each with its code and article."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from pydantic import ValidationError

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.channels.graph import normalise_phone
from migrex.channels.models import CATEGORIES, ROLES, Channel, Entity, Individual
from migrex.core.errors import Invalid, error
from migrex.matching.validators import IdentifierError, country
from migrex.persons.schema import PersonData

ROLE_CODES = frozenset(code for code, _label in ROLES)
CATEGORY_CODES = frozenset(code for code, _label in CATEGORIES)


def _channel_errors(name: str, route: list[str], active_from, active_to) -> list:
    errors = []
    if not name.strip():
        errors.append(
            error(
                "channel_name_missing", "Укажите название канала.", "Name the channel.", "4", "name"
            )
        )
    if any(not str(place).strip() for place in route):
        errors.append(
            error(
                "route_place_empty",
                "Пункт маршрута не может быть пустым.",
                "A place of the route cannot be empty.",
                "4",
                "route",
            )
        )
    if active_from and active_to and active_to < active_from:
        errors.append(
            error(
                "channel_period_invalid",
                "Окончание периода раньше его начала.",
                "The period ends before it starts.",
                "4",
                "active_to",
            )
        )
    return errors


@transaction.atomic
def save_channel(
    *,
    actor,
    name: str,
    description: str = "",
    route: list[str] | None = None,
    methods: str = "",
    active_from: dt.date | None = None,
    active_to: dt.date | None = None,
    channel: Channel | None = None,
) -> Channel:
    """Create a channel of the actor's authority, or change `channel`."""
    route = [str(p).strip() for p in route or []]
    if errors := _channel_errors(name, route, active_from, active_to):
        raise Invalid(errors)
    created = channel is None
    if created:
        channel = Channel(authority_id=actor.authority_id, created_by=str(actor))
    channel.name, channel.description, channel.route = name.strip(), description.strip(), route
    channel.methods, channel.active_from, channel.active_to = (
        methods.strip(),
        active_from,
        active_to,
    )
    channel.save()
    record(
        Action.CHANNELS_CREATED if created else Action.CHANNELS_CHANGED,
        actor=actor.username,
        subject=f"channel:{channel.pk}",
        # Neither the channel's name nor its route: they may name people and places that
        # destruction must be able to erase (Art. 11.5), and the chained log cannot be rewritten.
        detail={"places": len(route)},
    )
    return channel


def _phone_error(phone: str) -> list:
    digits = normalise_phone(phone)
    if phone.strip() and not 5 <= len(digits) <= 15:
        return [
            error(
                "phone_invalid",
                f"Номер телефона «{phone}» должен содержать от 5 до 15 цифр.",
                f"The phone number “{phone}” must have 5 to 15 digits.",
                "4",
                "phone",
            )
        ]
    return []


def _role_error(role: str) -> list:
    if role in ROLE_CODES:
        return []
    return [
        error("role_unknown", f"Неизвестная роль «{role}».", f"Unknown role “{role}”.", "4", "role")
    ]


@transaction.atomic
def save_entity(
    *,
    channel: Channel,
    actor,
    role: str,
    name: str,
    registration_number: str = "",
    country_code: str = "",
    address: str = "",
    phone: str = "",
    entity: Entity | None = None,
) -> Entity:
    """Add a legal entity involved in the channel (Art. 4), or change `entity`."""
    errors = _role_error(role) + _phone_error(phone)
    if not name.strip():
        errors.append(
            error(
                "entity_name_missing",
                "Укажите наименование юридического лица.",
                "Name the legal entity.",
                "4",
                "name",
            )
        )
    code = ""
    if country_code.strip():
        try:
            code = country(country_code)
        except IdentifierError:
            errors.append(
                error(
                    "country_invalid",
                    f"«{country_code}» — не код страны ISO 3166-1.",
                    f"“{country_code}” is not an ISO 3166-1 country code.",
                    "4",
                    "country",
                )
            )
    if errors:
        raise Invalid(errors)
    created = entity is None
    entity = entity or Entity(channel=channel)
    entity.role, entity.name, entity.registration_number = role, name.strip(), registration_number
    entity.country, entity.address, entity.phone = code, address.strip(), phone.strip()
    entity.save()
    record(
        Action.CHANNELS_ENTITY_ADDED if created else Action.CHANNELS_ENTITY_CHANGED,
        actor=actor.username,
        subject=f"channel:{channel.pk}",
        detail={"entity": entity.pk, "role": role},
    )
    return entity


def _person_errors(data: dict) -> list:
    try:
        PersonData.model_validate(data)
    except ValidationError as exc:
        return [
            error(
                "person_invalid",
                f"{'.'.join(str(p) for p in e['loc']) or 'данные'}: {e['msg']}",
                f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}",
                "6",
                ".".join(str(p) for p in e["loc"]) or "data",
            )
            for e in exc.errors()
        ]
    return []


@transaction.atomic
def save_individual(
    *,
    channel: Channel,
    actor,
    role: str,
    category: str,
    data: dict,
    phone: str = "",
    individual: Individual | None = None,
) -> Individual:
    """Add an individual involved in the channel, or change `individual`. The personal data is
    an Art. 6 record of a person of an Art. 5 category; nothing else can be passed."""
    errors = _role_error(role) + _phone_error(phone) + _person_errors(data)
    if category not in CATEGORY_CODES:
        errors.append(
            error(
                "category_unknown",
                "Укажите категорию лица из перечня статьи 5.",
                "Choose a category of persons from the list of Art. 5.",
                "5",
                "category",
            )
        )
    if errors:
        raise Invalid(errors)
    clean = PersonData.model_validate(data).model_dump(mode="json", exclude_defaults=True)
    created = individual is None
    individual = individual or Individual(channel=channel)
    individual.role, individual.category, individual.data = role, category, clean
    individual.phone = phone.strip()
    individual.save()
    record(
        Action.CHANNELS_INDIVIDUAL_ADDED if created else Action.CHANNELS_INDIVIDUAL_CHANGED,
        actor=actor.username,
        subject=f"channel:{channel.pk}",
        detail={"individual": individual.pk, "role": role, "category": category},
    )
    return individual


@transaction.atomic
def remove_participant(*, channel: Channel, actor, kind: str, pk: int) -> None:
    model = Entity if kind == "entity" else Individual
    deleted, _rows = model.objects.filter(channel=channel, pk=pk).delete()
    if deleted:
        record(
            Action.CHANNELS_ENTITY_REMOVED
            if kind == "entity"
            else Action.CHANNELS_INDIVIDUAL_REMOVED,
            actor=actor.username,
            subject=f"channel:{channel.pk}",
            detail={kind: pk},
        )

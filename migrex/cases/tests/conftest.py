"""Helpers of the cases' tests: what the draft form posts, an officer logged in to the test
client, a request sent from KZ to BY, the officers' national systems on the JSON API."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from migrex.accounts.access import Data
from migrex.agreements import signer_keys, signers
from migrex.agreements.models import Agreement, Authority
from migrex.cases import signatures
from migrex.cases.messages import RequestPayload, Signatory
from migrex.cases.models import Case
from migrex.cases.services import add_attachment, create_draft, transition
from migrex.cases.workflow import Side
from migrex.conftest import PASSWORD, Api, draft
from migrex.exchange.models import OutboxMessage
from migrex.persons.models import Consent


def citizen() -> dict:
    """A person of a request between the parties: a citizen of one of them (Art. 5)."""
    return {
        "category": "temporary_stay",
        "data": {
            "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
            "birth_date": "1990-01-05",
            "citizenship": ["KZ"],
        },
    }


def draft_post(agreement, requested, **overrides) -> dict:
    """What the draft form posts: the Art. 9.2 content and one person row (key "a1")."""
    data = {
        "agreement": str(agreement.pk),
        "requested_authority": str(requested.pk) if requested else "",
        "summary": "Проверка сведений о временном пребывании",
        "purpose": "Установление законности пребывания",
        "justification": "Материалы проверки № 17/2026",
        "other_information": "",
        "topics": ["citizens_in_other_state"],
        "confidential": "on",
        "persons-a1-category": "temporary_stay",
        "persons-a1-surname_cyrillic": "Оганесян",
        "persons-a1-surname_latin": "Hovhannisyan",
        "persons-a1-given_name_cyrillic": "Арам",
        "persons-a1-given_name_latin": "Aram",
        "persons-a1-sex": "M",
        "persons-a1-birth_date": "1990-01-05",
        "persons-a1-birth_place": "г. Ереван",
        "persons-a1-citizenship": "AM, KZ",
        "persons-a1-document_series": "AR",
        "persons-a1-document_number": "1234567",
        "persons-a1-document_issue_date": "2020-02-03",
        "persons-a1-document_issuer": "Полиция РА",
    }
    data.update(overrides)
    return data


def login(client, user):
    client.force_login(user)
    return client


def sent_case(officers, deliver) -> tuple[Case, Case]:
    """A request drafted, signed and delivered: (the requester's copy, the requested copy)."""
    case = create_draft(
        actor=officers["kz_operator"],
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Проверка сведений",
        purpose="Законность пребывания",
        justification="Материалы проверки",
        persons=[citizen()],
    )
    transition(case=case, action="submit", actor=officers["kz_operator"])
    signed = {"password": PASSWORD}  # opens the signatory's key (Art. 9.3)
    transition(
        case=case, action="sign", actor=officers["kz_signatory"], data=signed, confirmed=True
    )
    deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    return Case.objects.get(pk=case.pk), theirs


@pytest.fixture
def apis(officers):
    return {name: Api(user) for name, user in officers.items()}


def errors_of(response) -> list[dict]:
    body = response.json()
    assert set(body) == {"errors"}
    for e in body["errors"]:
        assert set(e) == {"code", "message_ru", "message_en", "article", "field"}
    return body["errors"]


def signed_by(user, payload: RequestPayload, **signatory) -> RequestPayload:
    """`payload` signed as `sign` signs it: by `user` with their key, as their entry on the list
    (if any, Art. 9.3); `signatory` overrides members of the signatory it names."""
    entry = user.signatory_entries.order_by("-pk").first()
    stored = signers.key_of(user)
    unsigned = payload.model_copy(
        update={
            "signatory": Signatory(
                name=entry.full_name if entry else str(user),
                position=entry.position if entry else "Заместитель министра",
                signed_at=timezone.now(),
                key_id=stored.kid,
            ).model_copy(update=signatory)
        }
    )
    signature = signer_keys.sign(signers.unlock(stored, PASSWORD), signatures.content(unsigned))
    return unsigned.model_copy(
        update={"signatory": unsigned.signatory.model_copy(update={"signature": signature})}
    )


def incoming_id(api: Api) -> int:
    page = api.get("/cases", box="incoming").json()
    assert page["count"] == 1
    return page["items"][0]["id"]


# --- a received request with a file of each kind, and the provider's consents (Art. 11.3) ---

SUMMARY = "Сведения о пребывании Оганесяна Арама, ул. Абая 10"
PURPOSE = "Проверка законности пребывания Оганесяна"
JUSTIFICATION = "Материалы проверки № 17/2026 в отношении Оганесяна"
FILES = {
    Data.DOCUMENT: ("справка.pdf", b"%PDF-1.4 certificate", "application/pdf"),
    Data.PHOTO: ("фото.jpg", b"\xff\xd8\xff photo", "image/jpeg"),
    Data.FINGERPRINT_CARD: ("дактокарта.pdf", b"%PDF-1.4 prints", "application/pdf"),
}


def received_case(officers, deliver) -> Case:
    """A request KZ drafted with a person and one file of each kind (MEDIA_ROOT set by the
    caller), signed and delivered: the Belarusian MVD's copy."""
    operator = officers["kz_operator"]
    case = create_draft(
        actor=operator,
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary=SUMMARY,
        purpose=PURPOSE,
        justification=JUSTIFICATION,
        persons=[citizen()],
    )
    for kind, (name, content, content_type) in FILES.items():
        add_attachment(
            case=case,
            actor=operator,
            name=name,
            content=content,
            content_type=content_type,
            kind=str(kind),
        )
    transition(case=case, action="submit", actor=operator)
    signed = {"password": PASSWORD}
    transition(
        case=case, action="sign", actor=officers["kz_signatory"], data=signed, confirmed=True
    )
    deliver()
    return Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)


def grant(case: Case, *, use: str, recipient: str = "", days: int = 30) -> Consent:
    """The provider's consent to `use` of what `case` received, as its decision leaves it."""
    return Consent.objects.create(
        ref=uuid.uuid4(),
        side=Consent.Side.ASKED,
        agreement=case.agreement,
        requester=case.owner,
        provider=case.other_authority,
        source_kind="case",
        source=case.conversation_id,
        use=use,
        purpose="Передача в органы прокуратуры",
        recipient=recipient,
        status=Consent.Status.GRANTED,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )


def signed_and_queued(officers) -> OutboxMessage:
    """A request KZ's signatory signed, its message queued and not yet delivered."""
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    signed = {"password": PASSWORD}
    transition(
        case=case, action="sign", actor=officers["kz_signatory"], data=signed, confirmed=True
    )
    return OutboxMessage.objects.get(conversation_id=case.conversation_id, kind="request")


def refused(both_nodes, payload: dict) -> str:
    """What BY's inbox answers to `payload` sent as a request as it is, in a conversation of its
    own: the refusal's code and detail (the rule, its member and article), nothing kept."""
    conversation = uuid.uuid4()
    reply = both_nodes.send_as_is("request", payload, conversation=conversation)
    assert reply.status == 422, reply.code
    refusal = both_nodes.refusal(reply)
    assert not Case.objects.filter(conversation_id=conversation).exists()
    return f"{refusal['code']}: {refusal['detail']}"

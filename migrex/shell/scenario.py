"""`migrex demo --scenario`: two real nodes, driven through their JSON APIs the way national
systems would: a request from draft to answer with a clarification on the way, a refusal with
reasons, and information sent without a request. Each step prints both nodes' view; the exit code
is 0 only if every message arrived and every state is as the treaty says."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from migrex.shell.nodes import Api, LocalNode, pair

PERSON = {
    "category": "temporary_stay",
    "data": {
        "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
        "given_name": {"cyrillic": "Арам", "latin": "Aram"},
        "birth_date": "1990-01-05",
        "citizenship": ["KZ"],
        "identity_document": [{"series": "N", "number": "12345678", "issue_date": "2019-06-01"}],
    },
}


class ScenarioFailed(AssertionError):
    pass


class Scenario:
    def __init__(self, kz: LocalNode, by: LocalNode, out=print):
        self.kz, self.by, self.out = kz, by, out
        self.kz_op, self.kz_sig = Api(kz, "kz-operator"), Api(kz, "kz-signatory")
        self.by_op, self.by_sup = Api(by, "by-operator"), Api(by, "by-signatory")
        self.step_no = 0

    # --- helpers ------------------------------------------------------------------------------

    def find(self, api: Api, conversation: str) -> dict | None:
        page = api.ok("GET", "/cases?limit=200")
        return next((c for c in page["items"] if c["conversation_id"] == conversation), None)

    def step(self, title: str, conversation: str) -> None:
        """Print the step with each node's own copy of the conversation, as it is now."""
        self.step_no += 1
        views = []
        for api in (self.kz_op, self.by_op):
            case = self.find(api, conversation)
            views.append(f"{case['number'] or '—'} {case['status']}" if case else "—")
        self.out(f"{self.step_no:>2}. {title}")
        self.out(f"      KZ: {views[0]:<40} BY: {views[1]}")

    def wait(self, api: Api, conversation: str, status: str, timeout: float = 20.0) -> dict:
        """Poll `api`'s node until its copy of `conversation` is in `status`."""
        deadline = time.monotonic() + timeout
        found = None
        while time.monotonic() < deadline:
            found = self.find(api, conversation)
            if found and found["status"] == status:
                return api.ok("GET", f"/cases/{found['id']}")
            time.sleep(0.1)
        seen = found["status"] if found else "nothing"
        raise ScenarioFailed(f"{api.node.party}: expected {status} for {conversation}, saw {seen}")

    def act(self, api: Api, case: dict, action: str, **body) -> dict:
        return api.ok("POST", f"/cases/{case['id']}/actions/{action}", body)

    def signature_verified(self, ours: dict, theirs: dict) -> None:
        """BY checked the KZ signatory's own signature against the list KZ sent (Art. 9.3)."""
        signed, checked = ours["signature"] or {}, theirs["signature"] or {}
        if not signed.get("key_id") or checked.get("key_id") != signed["key_id"]:
            raise ScenarioFailed(f"the signatory's own signature did not arrive: {checked}")
        if checked.get("verified_against") is None:
            raise ScenarioFailed("BY did not verify the signatory's signature against a list")
        self.out(
            f"      signed with the KZ signatory's own key {signed['key_id'][:12]}…; BY verified "
            f"it against KZ's list of signatories of {checked['verified_against']} (Art. 9.3)"
        )

    def draft(self, **fields) -> dict:
        body = {"agreement": "kz-by-2019", "requested_authority": "by-mvd", **fields}
        return self.kz_op.ok("POST", "/cases", body)

    def send(self, case: dict) -> dict:
        self.act(self.kz_op, case, "submit")
        password = self.kz.logins["kz-signatory"]
        return self.act(self.kz_sig, case, "sign", password=password)

    # --- the story ----------------------------------------------------------------------------

    def run(self) -> None:
        self.request_answered()
        self.request_refused()
        self.information_without_request()

    def request_answered(self) -> None:
        case = self.draft(
            summary="Сведения о временном пребывании гражданина Армении Оганесяна А.",
            purpose="Проверка законности пребывания",
            justification="Материалы проверки № 17/2026",
            persons=[PERSON],
            topics=["citizens_in_other_state"],
        )
        self.step("KZ operator drafts a request (Art. 9.2)", case["conversation_id"])
        ours = self.send(case)
        conv = ours["conversation_id"]
        theirs = self.wait(self.by_op, conv, "received")
        self.step("KZ signatory signs; the request crosses to BY (Art. 9.3)", conv)
        self.signature_verified(ours, theirs)
        self.act(self.by_op, theirs, "register")
        ours = self.wait(self.kz_op, conv, "registered")
        theirs = self.by_op.ok("GET", f"/cases/{theirs['id']}")
        self.step(f"BY registers it, due {theirs['due_date']} (Art. 10.3)", conv)
        self.act(self.by_op, theirs, "request_information", text="Уточните дату въезда.")
        ours = self.wait(self.kz_op, conv, "awaiting_information")
        self.step("BY asks for additional information (Art. 10.1)", conv)
        self.act(self.kz_op, ours, "provide_information", text="Въезд 01.02.2026, Хоргос.")
        theirs = self.wait(self.by_op, conv, "registered")
        self.step("KZ provides it", conv)
        answer = dict(PERSON, data={**PERSON["data"], "residence_address": "г. Минск"})
        self.act(self.by_op, theirs, "reply", text="Пребывание законно.", persons=[answer])
        ours = self.wait(self.kz_op, conv, "answered")
        if not any(p["data"].get("residence_address") == "г. Минск" for p in ours["persons"]):
            raise ScenarioFailed("the answer's personal data did not arrive")
        self.step("BY answers with data; KZ has it (Art. 10.3)", conv)

    def request_refused(self) -> None:
        case = self.draft(
            summary="Сведения о лице",
            purpose="Проверка",
            justification="Оперативные материалы",
            persons=[PERSON],
        )
        ours = self.send(case)
        conv = ours["conversation_id"]
        theirs = self.wait(self.by_op, conv, "received")
        self.act(self.by_op, theirs, "register")
        self.act(
            self.by_sup,
            theirs,
            "refuse",
            grounds=["security"],
            text="Исполнение запроса может нанести ущерб безопасности.",
        )
        ours = self.wait(self.kz_op, conv, "refused")
        grounds = [e["data"].get("grounds") for e in ours["history"] if e["action"] == "refusal"]
        if grounds != [["security"]]:
            raise ScenarioFailed(f"refusal grounds did not arrive: {grounds}")
        self.step("A second request is refused with grounds and reasons (Art. 10.4)", conv)

    def information_without_request(self) -> None:
        case = self.draft(
            kind="spontaneous",
            summary="Выявлен канал незаконной миграции",
            purpose="Информирование",
            justification="Ст. 8 Соглашения",
            topics=["migration_law_violations"],
        )
        ours = self.send(case)
        conv = ours["conversation_id"]
        theirs = self.wait(self.by_op, conv, "received")
        self.act(self.by_op, theirs, "acknowledge")
        self.wait(self.kz_op, conv, "delivered")
        self.step("Information without a request arrives and is acknowledged (Art. 8)", conv)


def run(out=print) -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="migrex-scenario-") as tmp:
        out("Preparing two nodes (Kazakhstan and Belarus, agreement kz-by-2019)…")
        kz, by = pair(Path(tmp))
        try:
            kz.start()
            by.start()
            out(f"KZ {kz.url}   BY {by.url}\n")
            Scenario(kz, by, out).run()
        except (ScenarioFailed, RuntimeError) as exc:
            out(f"\nFAILED: {exc}")
            return 1
        finally:
            kz.stop()
            by.stop()
    out(f"\nAll messages arrived as they should ({time.monotonic() - started:.1f} s).")
    return 0

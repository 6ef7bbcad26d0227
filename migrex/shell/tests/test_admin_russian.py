"""The admin as the node's administrator reads it: every page reached from the admin's index —
each changelist, an object's form from each, the add forms, a deletion's confirmation — in
official Russian, by the walker's rules (walk_rules.py: no English word, no code, no ISO date),
with the model named in the case the phrase needs («Выберите пользователя для изменения», not
«пользователь»: core/admin_russian.py), the rows counted in Russian («7 пользователей») and the
roles by their Russian names, never their codes (accounts/roles.py)."""

from __future__ import annotations

import importlib
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils import timezone

from migrex.accounts.models import LoginFailure, User
from migrex.accounts.roles import Role
from migrex.core.admin_russian import RussianNames
from migrex.retention.models import Rule
from migrex.shell.tests import walk_rules as rules

pytestmark = pytest.mark.django_db

ROLE_CODES = re.compile(r"(?<![\w-])(" + "|".join(role.value for role in Role) + r")(?![\w-])")
# The admin's own paths: the index, an app, a changelist, an object's form, an add form, a
# deletion's confirmation (not the history, the password form, nor the JavaScript catalogue).
PAGES = re.compile(r"^/admin/(?:[a-z_]+/(?:[a-z_]+/(?:add/|\d+/(?:change/|delete/)?)?)?)?$")


class Visible(HTMLParser):
    """What a person reads on the page (walk_rules.VISIBLE_TEXT, without a browser): the text
    outside scripts, styles and hidden elements, the title, the options, placeholders and the
    values of buttons; and the links."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "col", "area", "base", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.stack: list[bool] = []  # per open element: hidden from a reader

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        hidden = (self.stack and self.stack[-1]) or tag in ("script", "style", "template")
        hidden = hidden or "hidden" in attrs or attrs.get("type") == "hidden"
        if tag == "input" and not hidden:
            if attrs.get("type") in ("submit", "button"):
                self.parts.append(attrs.get("value") or "")
            self.parts.append(attrs.get("placeholder") or "")
        if tag not in self.VOID:
            self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def read(client, path: str) -> tuple[str, list[str]]:
    response = client.get(path)
    assert response.status_code == 200, f"{path} answers {response.status_code}"
    page = Visible()
    page.feed(response.content.decode())
    return "\n".join(page.parts), page.links


@pytest.fixture
def administrator(officers, client):
    """The node's administrator as officers.create makes one, signed in, with something in
    every list: the officers' roles, a failed login, a retention rule."""
    admin_user = User.objects.create_user(
        "kz-admin", password="x" * 12, is_staff=True, is_superuser=True, last_name="Ковалёв"
    )
    # The role groups come from a data migration; a transactional test before this one in the
    # same process (a browser, a live server) flushed them: put them back as it writes them.
    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)
    admin_user.groups.set([Group.objects.get(name=Role.ADMINISTRATOR)])
    LoginFailure.objects.create(
        username="kz-operator", address="10.0.0.1", stage="password", at=timezone.now()
    )
    Rule.objects.create(
        agreement=officers["kz_operator"].authority.agreements.get(code="kz-by-2019"),
        party="KZ",
        days=1825,
        counted_from="case-closed",
        basis="Закон Республики Казахстан «О персональных данных и их защите»",
    )
    client.force_login(admin_user)
    return client


def test_every_admin_page_reads_in_russian(administrator):
    faults: list[str] = []
    queue, seen = ["/admin/"], {"/admin/"}
    per_list: set[str] = set()  # one object's form and deletion per changelist
    while queue:
        path = queue.pop(0)
        text, links = read(administrator, path)
        faults += [f"{path}: {fault}" for fault in rules.text_faults(text)]
        faults += [f"{path}: role code «{m.group(0)}»" for m in ROLE_CODES.finditer(text)]
        for href in links:
            target = href.split("?")[0].split("#")[0]
            if not PAGES.match(target) or target in seen:
                continue
            changelist = re.sub(r"(\d+/(change/|delete/)?|add/)$", "", target)
            if target != changelist:
                kind = re.search(r"(add|change|delete)/$", target).group(1)
                if (changelist, kind) in per_list:
                    continue
                per_list.add((changelist, kind))
            seen.add(target)
            queue.append(target)
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(faults)
    changelists = {p for p in seen if re.fullmatch(r"/admin/[a-z_]+/[a-z_]+/", p)}
    assert len(changelists) == len(admin.site._registry), sorted(changelists)
    assert any(p.endswith("/delete/") for p in seen) and any(p.endswith("/add/") for p in seen)


def test_the_users_list_names_the_user_in_the_accusative_and_counts_in_russian(administrator):
    text, _ = read(administrator, "/admin/accounts/user/")
    assert "Выберите пользователя для изменения" in text
    assert "Выберите пользователь" not in text
    assert "Добавить пользователя" in text
    assert f"{User.objects.count()} пользователей" in text  # 7: the officers and the admin
    # The roles in Russian, in the list and in its filter; never the groups' codes.
    assert "Оператор" in text and "Подписант, Руководитель" in text
    assert not ROLE_CODES.search(text)
    one, _ = read(administrator, "/admin/accounts/user/?role=auditor")
    assert "1 пользователь" in one and "Аудитор" in one and "kz-auditor" in one
    assert "Оператор" not in one.split("Выберите пользователя для изменения")[1].split("Роль")[0]


def test_the_users_form_offers_the_roles_in_russian_and_no_permissions(administrator, officers):
    user = officers["kz_signatory"]
    response = administrator.get(f"/admin/accounts/user/{user.pk}/change/")
    page = response.content.decode()
    assert "| Изменить пользователя |" in page
    roles = re.findall(r'<label for="id_groups_\d+"><input[^>]*> ?([^<]+)</label>', page)
    assert sorted(r.strip() for r in roles) == sorted(
        ["Оператор", "Подписант", "Руководитель", "Аудитор", "Администратор"]
    )
    assert 'name="user_permissions"' not in page and "Can add" not in page
    added = administrator.get("/admin/accounts/user/add/").content.decode()
    assert "<title>Добавить пользователя" in added and "Добавить пользователь " not in added
    deleting = administrator.get(f"/admin/accounts/user/{user.pk}/delete/").content.decode()
    assert "удалить пользователя" in deleting


def test_the_roles_are_listed_in_russian_and_fixed(administrator, officers):
    text, _ = read(administrator, "/admin/accounts/rolegroup/")
    assert "5 ролей" in text and "Выберите роль для просмотра" in text
    assert "Подписант" in text and "Kz-Signatory" in text  # with the officers who hold it
    assert not ROLE_CODES.search(text)
    group = Group.objects.get(name=Role.OPERATOR)
    assert administrator.post(f"/admin/accounts/rolegroup/{group.pk}/change/", {"name": "x"})
    assert Group.objects.filter(name=Role.OPERATOR).exists()  # a role is not renamed here
    assert administrator.get("/admin/accounts/rolegroup/add/").status_code == 403


def test_every_model_in_the_admin_is_named_and_counted_in_russian():
    """A model added to the admin without its Russian count would read «3 пользователи»."""
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, RussianNames), model
        assert model_admin.counted is not None, model

"""``manage.py create_clerk``: a clerk login without a prompt."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from mall.models import Membership
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(*args: str) -> str:
    out = io.StringIO()
    call_command("create_clerk", *args, stdout=out)
    return out.getvalue()


def test_generated_password_is_printed_and_logs_in():
    ShopFactory(slug="sole-mates")

    out = create("anna", "--shop", "sole-mates")

    password = out.split("Password: ")[1].strip()
    assert Client().login(username="anna", password=password)
    assert Membership.objects.filter(user__username="anna", shop__slug="sole-mates").exists()


def test_given_password_logs_in_and_is_not_printed():
    ShopFactory(slug="sole-mates")

    out = create("anna", "--shop", "sole-mates", "--password", "s3cret-sh0es")

    assert "s3cret-sh0es" not in out
    assert Client().login(username="anna", password="s3cret-sh0es")


def test_existing_user_becomes_clerk_of_a_second_shop():
    ShopFactory(slug="sole-mates")
    ShopFactory(slug="page-turner")
    create("anna", "--shop", "sole-mates", "--password", "s3cret-sh0es")

    create("anna", "--shop", "page-turner", "--password", "s3cret-sh0es")

    assert Membership.objects.filter(user__username="anna").count() == 2


def test_unknown_shop_is_refused_and_no_user_is_made():
    UserFactory(username="someone-else")

    with pytest.raises(CommandError, match="no shop “nowhere”"):
        create("anna", "--shop", "nowhere")

    assert not Membership.objects.exists()

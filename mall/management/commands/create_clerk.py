"""``manage.py create_clerk USERNAME --shop SLUG [--password P]``: a clerk login, no prompt."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from mall.selectors import shop_by_slug
from mall.services import clerk_create


class Command(BaseCommand):
    help = (
        "Make USERNAME (created if new) a clerk of the shop. Without --password a new "
        "password is generated, set and printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--shop", required=True, help="slug of the shop")
        parser.add_argument("--password", help="password to set (default: generate one)")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        if not username or len(username) > 150:
            raise CommandError("The username must be 1 to 150 characters.")
        # Always setting a password keeps the command prompt-free and the printed login
        # valid, also for a user who existed already.
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            membership = clerk_create(
                username=username, shop=shop_by_slug(options["shop"]), password=password
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{membership.user.username} is a clerk of {membership.shop.name}.")
        if not options["password"]:
            self.stdout.write(f"Password: {password}")

"""`manage.py migrate`, which on SQLite also migrates the shared cache's database of its
own (core/cache/routers.py) when run from the command line: `make run`, a
deployment's migrate and the servers the tests and bench/api.py start all get its
tables. `migrate --database cache` migrates it alone. Called from code (the test
databases' setup migrates each alias itself) it is Django's migrate, unchanged."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from core.cache.routers import ALIAS


class Command(migrate.Command):
    from_command_line = False

    def run_from_argv(self, argv: list[str]) -> None:
        self.from_command_line = True
        super().run_from_argv(argv)

    def handle(self, *args: object, **options: object) -> None:
        super().handle(*args, **options)
        if (
            self.from_command_line
            and options["database"] == DEFAULT_DB_ALIAS
            and ALIAS in connections
            and not options["plan"]
            and not options["check_unapplied"]
            and not options.get("app_label")
        ):
            call_command(
                "migrate",
                database=ALIAS,
                interactive=False,
                verbosity=options["verbosity"],
            )

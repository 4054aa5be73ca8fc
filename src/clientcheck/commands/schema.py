"""`clientcheck schema`: the JSON Schema of the rules or questions file format."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from clientcheck.cli import app
from clientcheck.errors import EXIT_OK


class SchemaFormat(StrEnum):
    questions = "questions"
    rules = "rules"


@app.command()
def schema(
    fmt: Annotated[SchemaFormat, typer.Argument(help="Which file format: questions or rules.", metavar="FORMAT")],
) -> int:
    """Print the JSON Schema of the rules or questions format.

    JSON Schema draft 2020-12, for editors that check YAML as you type.
    """
    from clientcheck.render.plain import write_json
    from clientcheck.schema import json_schema

    write_json(json_schema(fmt.value))
    return EXIT_OK

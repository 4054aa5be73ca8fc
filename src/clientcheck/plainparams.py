"""Option values checked without pydantic, so that starting a command does not import it.

Typer (>= 0.29) checks every option value through a pydantic TypeAdapter built on first use:
importing pydantic and building the adapters took about 150 ms of every `clientcheck interview`
before its first question (see bench/first_prompt.py). Our options are only text, paths,
enumerations, lists of text and flags, and Typer's own helpers check those without pydantic
(the choice and path checks the adapters call). This gives such options a runtime check that
calls those helpers directly, with the same results and the same messages; anything else (a
number with bounds, a custom parser, a file) keeps Typer's own. If Typer's internals change
shape, nothing is replaced and Typer does what it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam
    from typer._param_types import coerce_cli_choice, coerce_cli_path

    TYPER_HAS_RUNTIME_PARAMS = True
except ImportError:  # pragma: no cover - a Typer without these: keep its own checks
    TYPER_HAS_RUNTIME_PARAMS = False


def _plain_kind(annotation: Any) -> str | None:
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is str:
        return "str"
    if annotation is Path:
        return "path"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "enum"
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        return "str-list"
    return None


if TYPER_HAS_RUNTIME_PARAMS:

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        """Typer's checks for text, paths and choices, called directly rather than through pydantic."""

        kind: str = "str"

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.kind == "bool" and isinstance(value, bool):
                return value
            if self.kind == "int":
                number = _whole(value)
                info = self.parameter_info
                if (
                    number is not None
                    and (info.min is None or number >= info.min)
                    and (info.max is None or number <= info.max)
                ):
                    return number
            if self.kind in ("bool", "int"):
                # anything out of the ordinary (a flag given as text, a bad or out-of-range number):
                # Typer's own check, pydantic and all, for its exact result and message
                from typer._coercion import build_runtime_param

                return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)
            if self.kind == "str":
                return value if isinstance(value, str) else str(value)
            if self.kind == "str-list":
                return [v if isinstance(v, str) else str(v) for v in value]
            if self.kind == "enum":
                try:
                    return coerce_cli_choice(
                        value,
                        choices=list(self.annotation),
                        case_sensitive=self.parameter_info.case_sensitive,
                        ctx=ctx,
                    )
                except ValueError as exc:
                    raise BadParameter(str(exc), ctx=ctx, param=param) from None
            path_type = self.parameter_info.path_type or Path
            if isinstance(value, str) and path_type is Path:
                value = Path(value)  # what pydantic's Path check did, without pydantic
            return coerce_cli_path(value, self.parameter_info, path_type=path_type, param=param, ctx=ctx)


def _whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    return None


def install(command: Any, ctx: Any = None) -> int:
    """Give the command's plain options the pydantic-free check; returns how many it gave it to."""
    if not TYPER_HAS_RUNTIME_PARAMS:
        return 0
    done = 0
    params = command.get_params(ctx) if ctx is not None else getattr(command, "params", ())
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", None) is not None:
            continue
        info = getattr(descriptor, "parameter_info", None)
        if info is None or getattr(descriptor, "file_annotation", None) is not None or info.parser is not None:
            continue
        if getattr(info, "clamp", False):
            continue
        kind = _plain_kind(descriptor.annotation)
        if kind is None:
            continue
        param._runtime_param = PlainParam(parameter_info=info, annotation=descriptor.annotation, kind=kind)
        done += 1
    return done

"""Profile errors: a profile that cannot be used, a rule it leaves unknown, and pydantic's
validation errors as (dotted key path, precise problem)."""

from __future__ import annotations

from pydantic import ValidationError

from migrex.agreements.schema_base import _dotted, _show
from migrex.agreements.schema_events import EVENT_KINDS

_EXPECTED = {
    **dict.fromkeys(("string_type",), "expected text"),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "expected a whole number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "expected true or false"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "expected a mapping"),
    **dict.fromkeys(("list_type", "tuple_type"), "expected a list"),
}


def _from_pydantic(exc: ValidationError) -> list[tuple[str, str]]:
    """(dotted path, precise problem) for each pydantic error, with union tags removed."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [x for x in err["loc"] if not (isinstance(x, str) and x[:1] in "<[")]
        kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
        if kind == "unknown_key":
            for key in ctx["keys"]:
                if ctx["allowed"] == "unknown":
                    problem = f"unexpected key {key!r}: a section marked unknown has only 'unknown'"
                else:
                    problem = f"unknown key {key!r} (allowed here: {ctx['allowed']})"
                out.append((_dotted([*loc, key]), problem))
            continue
        if kind == "missing":
            loc, problem = loc[:-1], f"missing required key {loc[-1]!r}"
        elif kind == "union_tag_not_found":
            problem = "missing required key 'kind'"
        elif kind == "union_tag_invalid":
            loc, problem = (
                [*loc, "kind"],
                f"unknown event kind {value.get('kind')!r} (kinds are {', '.join(EVENT_KINDS)})",
            )
        elif kind == "located":
            loc, problem = [*loc, ctx["at"]] if ctx["at"] else loc, ctx["problem"]
        elif kind in ("value_error", "assertion_error"):
            problem = str(ctx.get("error", err["msg"]))
        elif kind in _EXPECTED:
            problem = f"{_EXPECTED[kind]}, got {_show(value)}"
        elif kind == "literal_error":
            problem = f"expected {ctx['expected']}, got {_show(value)}"
        elif kind == "too_short" and isinstance(value, list) and len(value) >= ctx["min_length"]:
            continue  # counted after validation: only the failed items are missing
        elif kind in ("too_short", "too_long"):
            bound = "at least" if kind == "too_short" else "at most"
            limit = ctx.get("min_length", ctx.get("max_length"))
            items = "item" if limit == 1 else "items"
            problem = f"expected {bound} {limit} {items}, got {ctx.get('actual_length')}"
        elif kind == "greater_than_equal":
            problem = f"expected a number ≥ {ctx['ge']}, got {_show(value)}"
        elif kind == "string_too_short":
            problem = "expected non-empty text"
        else:
            msg = err["msg"].replace("Input should be", "expected")
            problem = f"{msg[0].lower()}{msg[1:]}, got {_show(value)}"
        out.append((_dotted(loc), problem))
    return out


class ProfileError(Exception):
    """A profile that cannot be used: where (file, dotted key path, line) and what is wrong.

    Several problems travel as one error: `errors` lists them in file order and the error's own
    attributes are those of the first.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str = "",
        path: str = "",
        line: int | None = None,
        errors: list[ProfileError] | None = None,
    ) -> None:
        self.problem, self.source, self.path, self.line = problem, source, path, line
        self.errors: list[ProfileError] = errors or [self]
        super().__init__(str(self))

    @classmethod
    def collect(cls, errors: list[ProfileError]) -> ProfileError:
        if len(errors) == 1:
            return errors[0]
        first = errors[0]
        return cls(
            first.problem, source=first.source, path=first.path, line=first.line, errors=errors
        )

    def _one(self) -> str:
        where = (self.source or "<profile>") + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.problem}" if self.path else f"{where}: {self.problem}"

    def __str__(self) -> str:
        return "\n".join(e._one() for e in self.errors)


class RuleUnknownError(Exception):
    """The engine was asked to apply a rule that the agreement's source does not state."""

    def __init__(self, profile_code: str, path: str, reason: str) -> None:
        self.profile_code, self.path, self.reason = profile_code, path, reason
        super().__init__(
            f"{profile_code}: {path} is not known ({reason}); refusing what depends on it"
        )

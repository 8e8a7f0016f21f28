"""Strategies for a schema's objects, arrays and combinators, composed once from their parts.

The generic builder assembles an object's `fixed_dictionaries` anew on every draw (required keys
plus the optional ones it picked), so hypothesis validates a fresh strategy tree per value, and it
merges `allOf` branches by filtering. Webhook events are objects of objects (an envelope, an actor,
the changed resource), which made that the largest cost of generating one after the patterns.

`composed` builds the same values from strategies built once: every required property, each
optional one or not, and up to `EXTRA_KEYS` undocumented properties wherever the schema allows
them (a client must tolerate fields it does not know). Only shapes whose meaning is plain are
composed here: an object with `properties`/`required`/`additionalProperties`, an array with
`items` and size bounds, `anyOf`, a `oneOf` whose branches a `const` property tells apart, and an
`allOf` of objects that merge without loss. Anything else, and every leaf, goes to `leaf` (the
generic builder), so every value drawn is one the schema admits.
"""

from __future__ import annotations

from typing import Any, Callable

from hypothesis import strategies as st

EXTRA_KEYS = 5  # as many undocumented properties per object as the generic builder adds

ANNOTATIONS = frozenset({
    "description", "title", "example", "examples", "default", "deprecated", "readOnly", "writeOnly",
    "discriminator", "$comment", "externalDocs", "xml", "$schema", "$id", "$anchor",
})
OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties", "not"})
ARRAY_KEYWORDS = frozenset({"type", "items", "minItems", "maxItems"})

Leaf = Callable[[Any], st.SearchStrategy[Any]]


def composed(schema: Any, leaf: Leaf) -> st.SearchStrategy[Any]:
    """Values `schema` admits; structure composed here, the rest drawn by `leaf`."""
    if not isinstance(schema, dict):
        return leaf(schema)
    keys = _assertions(schema)
    if "allOf" in keys:
        merged = _merged(schema)
        return leaf(schema) if merged is None else composed(merged, leaf)
    if keys == {"anyOf"} and schema["anyOf"]:
        return st.one_of([composed(branch, leaf) for branch in schema["anyOf"]])
    if keys == {"oneOf"} and _told_apart(schema["oneOf"]):
        return st.one_of([composed(branch, leaf) for branch in schema["oneOf"]])
    if schema.get("type") == "object" and keys <= OBJECT_KEYWORDS and _absent(schema) is not None:
        return _object(schema, leaf)
    if schema.get("type") == "array" and keys <= ARRAY_KEYWORDS and _is_size(schema.get("minItems"), schema.get("maxItems")):
        items = composed(schema["items"], leaf) if "items" in schema else leaf({})
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=schema.get("maxItems"))
    return leaf(schema)


def _assertions(schema: dict[str, Any]) -> set[str]:
    """The keywords that constrain values (annotations and `x-` extensions do not)."""
    return {key for key in schema if key not in ANNOTATIONS and not key.startswith("x-")}


def _is_size(low: Any, high: Any) -> bool:
    return all(bound is None or (type(bound) is int and bound >= 0) for bound in (low, high)) and (
        low is None or high is None or low <= high)


def _absent(schema: dict[str, Any]) -> str | None:
    """The property a `not: {required: [name]}` keeps out ("" without one); None for any other `not`."""
    if "not" not in schema:
        return ""
    barred = schema["not"]
    if not isinstance(barred, dict) or _assertions(barred) != {"required"}:
        return None
    names = barred["required"]
    return names[0] if isinstance(names, list) and len(names) == 1 and isinstance(names[0], str) else None


def _object(schema: dict[str, Any], leaf: Leaf) -> st.SearchStrategy[dict[str, Any]]:
    absent = _absent(schema)
    properties: dict[str, Any] = {name: sub for name, sub in (schema.get("properties") or {}).items() if name != absent}
    if absent in (schema.get("required") or []):
        return leaf(schema)  # required and barred at once: the generic builder says so
    additional = schema.get("additionalProperties", True)
    unnamed = None if additional is False else (any_json(leaf) if additional is True else composed(additional, leaf))
    required = {}
    for name in schema.get("required") or []:
        if name in properties:
            required[name] = composed(properties[name], leaf)
        elif unnamed is not None:
            required[name] = unnamed
        else:
            return leaf(schema)  # a required name nothing may carry: the generic builder says so
    optional = {name: composed(sub, leaf) for name, sub in properties.items() if name not in required and sub is not False}
    named = st.fixed_dictionaries(required, optional=optional)
    if unnamed is None:
        return named
    known = set(properties) | set(required) | {absent}
    names = leaf({"type": "string"}).filter(lambda name: name not in known)
    extras = st.dictionaries(names, unnamed, max_size=EXTRA_KEYS)
    return st.tuples(extras, named).map(lambda parts: {**parts[0], **parts[1]})


def any_json(leaf: Leaf) -> st.SearchStrategy[Any]:
    """Any JSON value, for the properties nobody documents: null, booleans, integers of any size,
    finite floats, the generic builder's strings, and lists and objects of those nested three deep.

    The generic builder's value for `{}` is a `recursive` strategy, which builds a strategy per
    draw; at up to five extra properties per object that was a third of an event's cost. This one
    is built once per `leaf` and draws the same kinds of values.
    """
    cached = _ANY_JSON.get(leaf)
    if cached is None:
        text = leaf({"type": "string"})
        scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False).map(lambda x: x or 0.0) | text
        cached = scalar
        for _ in range(3):
            cached = scalar | st.lists(cached, max_size=3) | st.dictionaries(text, cached, max_size=3)
        _ANY_JSON[leaf] = cached
    return cached


_ANY_JSON: dict[Leaf, st.SearchStrategy[Any]] = {}


def _merged(schema: dict[str, Any]) -> dict[str, Any] | None:
    """One object schema equivalent to `schema` and its `allOf` branches, or None when they do not
    merge without loss (a branch that is not a plain object, or one that closes its properties)."""
    parts = [{key: value for key, value in schema.items() if key != "allOf"}]
    for branch in schema["allOf"]:
        if not isinstance(branch, dict):
            return None
        if "allOf" in _assertions(branch):
            branch = _merged(branch)
            if branch is None:
                return None
        parts.append(branch)
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    typed = False
    for part in parts:
        keys = _assertions(part)
        if not keys <= OBJECT_KEYWORDS or part.get("additionalProperties", True) is not True:
            return None
        if "not" in part:
            if "not" in merged or not _absent(part):
                return None
            merged["not"] = part["not"]
        if "type" in part:
            if part["type"] != "object":
                return None
            typed = True
        for name, sub in (part.get("properties") or {}).items():
            earlier = merged["properties"].get(name)
            merged["properties"][name] = sub if earlier is None or earlier == sub else {"allOf": [earlier, sub]}
        merged["required"] += [name for name in part.get("required") or [] if name not in merged["required"]]
    return merged if typed else None


def _told_apart(branches: list[Any]) -> bool:
    """Whether one required property is a different `const` string in every branch, so a value
    drawn from one branch matches no other (what `oneOf` demands)."""
    objects = [_merged({"allOf": [branch]}) if isinstance(branch, dict) else None for branch in branches]
    if not objects or any(branch is None for branch in objects):
        return False
    first = objects[0]
    assert first is not None
    for name in first["required"]:
        values = []
        for branch in objects:
            assert branch is not None
            sub = branch["properties"].get(name)
            if name not in branch["required"] or not isinstance(sub, dict) or not isinstance(sub.get("const"), str):
                break
            values.append(sub["const"])
        else:
            if len(set(values)) == len(values):
                return True
    return False

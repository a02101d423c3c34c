"""How deep a JSON request nests, decided before parsing (adhoc_ws.web.too_deep).

json.loads recurses per level: a request nested deeper than Python's recursion limit would
raise RecursionError, which can surface again from the garbage collector. Both JSON APIs
refuse deeper than MAX_JSON_DEPTH levels before json.loads sees the body.
"""
import json

import pytest

from adhoc_ws.web import MAX_JSON_DEPTH, too_deep


def nested(depth: int, kinds: str = "[") -> str:
    """A document ``depth`` levels deep, alternating the kinds of container given."""
    opening = closing = ""
    for level in range(depth):
        kind = kinds[level % len(kinds)]
        opening += '{"k": ' if kind == "{" else "["
        closing = ("}" if kind == "{" else "]") + closing
    return opening + "1" + closing


@pytest.mark.parametrize("kinds", ["[", "{", "[{"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32"])
def test_the_limit_is_the_depth_of_arrays_and_objects(kinds, encoding):
    for depth in (MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 10 * MAX_JSON_DEPTH, 100_000):
        body = nested(depth, kinds).encode(encoding)
        assert too_deep(body) == (depth > MAX_JSON_DEPTH), (depth, kinds, encoding)
        if depth <= MAX_JSON_DEPTH:
            json.loads(body)  # what is let through parses


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_brackets_in_strings_and_side_by_side_do_not_count(encoding):
    many = MAX_JSON_DEPTH * 100
    documents = [
        json.dumps({"s": "[" * many + "{" * many}),  # in a string
        json.dumps({"s": '\\"' + "[" * many, "t": '"{' * many}),  # after escaped quotes
        "[" + ",".join(["[]"] * many) + "]",  # wide, 2 deep
        json.dumps([{"a": [1, {"b": []}]}] * many),  # wide, 4 deep
        json.dumps({"k": "\\" * 11 + "[" * many}),  # backslashes before brackets
    ]
    for document in documents:
        json.loads(document)
        assert not too_deep(document.encode(encoding)), document[:40]
    mixed = json.dumps({"s": "]]]]" * many}) [:-1] + ", \"d\": " + nested(MAX_JSON_DEPTH + 1) + "}"
    assert too_deep(mixed.encode(encoding))  # closing brackets in a string do not hide depth


def test_a_body_that_is_no_json_is_left_to_the_parser():
    for body in (b"", b"[" * 10, b"\xff\xfe" + b"[" * 1000, b'"' + b"[" * 1000, b"]" * 1000 + b"[" * 10):
        assert too_deep(body) in (True, False)  # no exception: json.loads says what is wrong
    assert too_deep(b"[" * (MAX_JSON_DEPTH + 1))

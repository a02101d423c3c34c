"""Calling a WSGI app in-process, and checking answers against the served OpenAPI document."""
from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from wsgiref.util import setup_testing_defaults

from jsonschema import Draft202012Validator

from adhoc_ws.bewoning.app import BEWONINGEN, openapi_document

JSON_BODY = object()  # marker: the default Content-Type, application/json


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(app, method: str = "POST", path: str = BEWONINGEN, body=None, *, headers: dict | None = None,
         environ: dict | None = None) -> Answer:
    """Call ``app`` as a server would. ``body`` is a JSON value or raw bytes; a header given
    as None is left out (``Content-Type`` is ``application/json`` unless given)."""
    data = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(data),
           "CONTENT_LENGTH": str(len(data)), "CONTENT_TYPE": "application/json"}
    setup_testing_defaults(env)
    set_headers(env, headers or {})
    env.update(environ or {})
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = status, response_headers

    chunks = app(env, start_response)
    body_bytes = b"".join(chunks)
    response_headers = {k.lower(): v for k, v in started["headers"]}
    assert int(response_headers["content-length"]) == len(body_bytes)
    return Answer(int(started["status"][:3]), response_headers, body_bytes)


def set_headers(environ: dict, headers: dict) -> None:
    """HTTP headers into a WSGI environ as a server puts them there; a value None removes one."""
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value


def parse_head(head: bytes) -> tuple[int, dict]:
    """The status and the headers (lower-case names) of an HTTP answer's head."""
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _validator(name: str) -> Draft202012Validator:
    document = openapi_document()
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(name: str, instance) -> list[str]:
    """Where ``instance`` breaks the document's schema ``name`` (empty: it conforms)."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(instance)]


def assert_conforms(answer: Answer) -> None:
    """A bewoningen answer is what the OpenAPI document says for its status."""
    if answer.status == 200:
        assert answer.headers["content-type"] == "application/json; charset=utf-8"
        assert schema_errors("BewoningenQueryResponse", answer.json()) == []
        return
    assert answer.headers["content-type"] == "application/problem+json; charset=utf-8"
    name = "BadRequestFoutbericht" if answer.status == 400 else "Foutbericht"
    assert schema_errors(name, answer.json()) == []
    assert answer.json()["status"] == answer.status

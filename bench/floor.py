"""The floor of the load benchmark: a WSGI application answering one fixed SOAP response.

It reads the request body and returns a pre-rendered vraagResponse of one persoonslijst, so
its requests per second under a server are what that server costs alone. Serve it with
bench/servers.py:

    python bench/servers.py --app floor --server adhoc-ws --port 8100 --workers 2
"""
from adhoc_ws.answer import success
from adhoc_ws.soap import answer_xml

ANSWER = answer_xml.antwoord("vraag", success([[
    [(1, [(120, "999993653"), (210, "Jurjen Hans"), (240, "Janssen"), (310, "19430203")])],
    [(8, [(1110, "Javastraat"), (1120, "12"), (1160, "1094AB"), (1170, "Amsterdam")])]]]))


def app():
    def fixed(environ, start_response):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/xml; charset=UTF-8"),
                                  ("Content-Length", str(len(ANSWER)))])
        return [ANSWER]
    return fixed

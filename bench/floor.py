"""The floor of the load benchmark: the same gunicorn server, answering one fixed SOAP response.

It reads the request body and returns a pre-rendered vraagResponse of one persoonslijst, so
its requests per second are what the HTTP server costs alone.

    python bench/floor.py --port 8100 --workers 2
"""
import argparse

from adhoc_ws import serving
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=serving.Options.threads)
    args = parser.parse_args()
    serving.run(app, serving.Options(port=args.port, workers=args.workers, threads=args.threads))

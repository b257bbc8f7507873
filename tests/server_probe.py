"""A WSGI app for the tests of the gunicorn worker (tests/test_server_worker.py): it
answers each request with the thread that served it and the body it was sent."""

import json
import threading


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    sent = environ["wsgi.input"].read(length).decode() if length else ""
    body = json.dumps({"thread": threading.get_ident(), "sent": sent}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]

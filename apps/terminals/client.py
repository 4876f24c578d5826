"""Reference terminal client: what a device or gateway does, in a few lines of Python.

    python -m apps.terminals.client keygen --algorithm sm2 --out device.pem
    python -m apps.terminals.client enrol --url http://127.0.0.1:8000 --host alpha.park.localhost \\
        --api-token <token> --template <template version id> --key device.pem --value name=温湿度终端1 ...
    python -m apps.terminals.client report --url http://127.0.0.1:8000 --host park.localhost \\
        --handle 88.101.alpha/TERM00000001 --key device.pem --sequence 1 \\
        --reading temperature=21.5 --reading humidity=40@2026-03-18T02:00:00Z

It speaks HTTP with the standard library only; signing uses apps.terminals.keys (cryptography
and tongsuopy). The signed strings are apps.terminals.canonical's (README, "Terminal
authentication", spells them out byte for byte).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import sys
import urllib.error
import urllib.request

from apps.terminals import canonical, keys


class ClientError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status} {body.get('code')}: {body.get('message')}")
        self.status = status
        self.body = body
        self.code = body.get("code")


def _post(url: str, payload: dict, *, host: str | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **({"Host": host} if host else {}), **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            data = json.loads(body)
        except ValueError:
            data = {"code": "http_error", "message": body[:200].decode(errors="replace")}
        raise ClientError(exc.code, data) from None


class TerminalClient:
    """One terminal: its handle and private key, talking to the node at ``base_url``."""

    def __init__(self, base_url: str, handle: str, private_key, *, host: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.handle = handle
        self.private_key = private_key
        self.host = host
        self.node_id: str | None = None
        self.token: str | None = None

    def challenge(self) -> dict:
        answer = _post(f"{self.base_url}/api/terminals/challenge", {"handle": self.handle}, host=self.host)
        self.node_id = answer["node_id"]
        return answer

    def sign_auth(self, nonce: str) -> str:
        message = canonical.auth_message(self.handle, nonce, self.node_id)
        return base64.b64encode(keys.sign(self.private_key, message)).decode()

    def token_for(self, nonce: str, signature: str) -> dict:
        return _post(
            f"{self.base_url}/api/terminals/token",
            {"handle": self.handle, "nonce": nonce, "signature": signature},
            host=self.host,
        )

    def authenticate(self) -> str:
        nonce = self.challenge()["nonce"]
        self.token = self.token_for(nonce, self.sign_auth(nonce))["token"]
        return self.token

    def signed_batch(self, sequence: int, readings: list[dict], status: str = "ok") -> dict:
        message = canonical.report_message(self.handle, self.node_id, sequence, status, readings)
        signature = base64.b64encode(keys.sign(self.private_key, message)).decode()
        return {"sequence": sequence, "status": status, "readings": readings, "signature": signature}

    def send(self, batch: dict, *, token: str | None = None) -> dict:
        return _post(
            f"{self.base_url}/api/terminals/report",
            batch,
            host=self.host,
            headers={"Authorization": f"Bearer {token or self.token}"},
        )

    def report(self, sequence: int, readings: list[dict] | None = None, status: str = "ok") -> dict:
        if self.token is None:
            self.authenticate()
        return self.send(self.signed_batch(sequence, readings or [], status))


def enrol(
    base_url: str, *, host: str, api_token: str, template_version: int, values: dict, public_key_pem: str
) -> dict:
    """Register a terminal through the enterprise's management API (an API client's token)."""
    return _post(
        f"{base_url.rstrip('/')}/api/v1/terminals/terminals/",
        {"template_version": template_version, "values": values, "public_key": public_key_pem},
        host=host,
        headers={"Authorization": f"Token {api_token}"},
    )


def _reading(text: str) -> dict:
    item, _sep, rest = text.partition("=")
    value, _sep, when = rest.partition("@")
    when = when or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"time": when, "item": item, "value": value}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m apps.terminals.client", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen", help="generate a key pair; prints the public key to upload")
    keygen.add_argument("--algorithm", choices=["sm2", "p256", "ed25519"], default="sm2")
    keygen.add_argument("--out", required=True, help="where to write the private key (PEM)")
    for name in ("enrol", "auth", "report"):
        p = sub.add_parser(name)
        p.add_argument("--url", required=True, help="the node, e.g. http://127.0.0.1:8000")
        p.add_argument("--host", help="Host header (park.localhost, or the enterprise domain for enrol)")
        p.add_argument("--key", required=True, help="the private key (PEM)")
        if name == "enrol":
            p.add_argument("--api-token", required=True)
            p.add_argument("--template", type=int, required=True, help="terminal template version id")
            p.add_argument("--value", action="append", default=[], help="item=value (repeat)")
        else:
            p.add_argument("--handle", required=True)
        if name == "report":
            p.add_argument("--sequence", type=int, required=True)
            p.add_argument("--status", default="ok")
            p.add_argument("--reading", action="append", default=[], help="item=value[@ISO time]")
    args = parser.parse_args(argv)
    try:
        if args.command == "keygen":
            private = keys.generate_private_key(args.algorithm)
            with open(args.out, "w") as fh:
                fh.write(keys.private_key_pem(private))
            print(keys.public_key_of(private).pem, end="")
            return 0
        with open(args.key, "rb") as fh:
            private = keys.load_private_key(fh.read())
        if args.command == "enrol":
            values = dict(v.split("=", 1) for v in args.value)
            answer = enrol(
                args.url,
                host=args.host,
                api_token=args.api_token,
                template_version=args.template,
                values=values,
                public_key_pem=keys.public_key_of(private).pem,
            )
            print(json.dumps(answer, ensure_ascii=False, indent=2))
            return 0
        client = TerminalClient(args.url, args.handle, private, host=args.host)
        if args.command == "auth":
            print(client.authenticate())
            return 0
        readings = [_reading(r) for r in args.reading]
        print(json.dumps(client.report(args.sequence, readings, args.status), ensure_ascii=False))
        return 0
    except ClientError as exc:
        print(str(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

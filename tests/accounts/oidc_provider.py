"""An OpenID Connect provider on 127.0.0.1 for the tests: discovery, JWKS, the authorization
code flow with PKCE and nonce, RS256-signed ID tokens, and userinfo.

``/authorize`` signs in whoever the test chose with :meth:`Provider.sign_in_as` and answers
at once with a redirect (a real provider shows its own login page first); everything a
relying party checks — client id and secret, redirect URI, code, PKCE verifier, nonce, issuer,
audience, signature — is checked for real.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class Provider:
    def __init__(self, *, client_id="wavelength", client_secret="s3cret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.person: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sign_in_as(self, email: str, *, name: str = "", groups=(), verified: bool = True):
        subject = hashlib.sha256(email.encode()).hexdigest()[:20]
        self.person = {"email": email, "name": name, "groups": list(groups),
                       "email_verified": verified, "sub": subject}  # fmt: skip

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict) -> tuple[int, dict, str]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, "unknown client or response type"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"person": dict(self.person), **query}
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {"Location": target}, ""

    def token(self, form: dict, auth: str) -> tuple[int, dict]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if auth.startswith("Basic "):
            client_id, secret = base64.b64decode(auth[6:]).decode().split(":", 1)
        if (client_id, secret) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if "code_challenge" in grant:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        person, now = grant["person"], int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                  "nonce": grant.get("nonce"), **person}  # fmt: skip
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        access = secrets.token_urlsafe(16)
        self.tokens[access] = person
        return 200, {"access_token": access, "token_type": "Bearer", "id_token": id_token,
                     "expires_in": 300}  # fmt: skip


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, body, headers=None):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._answer(200, provider.discovery())
            elif url.path == "/jwks":
                self._answer(200, provider.jwks())
            elif url.path == "/authorize":
                status, headers, error = provider.authorize(query)
                self._answer(status, {"error": error} if error else b"", headers)
            elif url.path == "/userinfo":
                person = provider.tokens.get(self.headers.get("Authorization", "")[7:])
                self._answer(200 if person else 401, person or {"error": "invalid_token"})
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path == "/token":
                status, body = provider.token(form, self.headers.get("Authorization", ""))
                self._answer(status, body)
            else:
                self._answer(404, {"error": "not found"})

    return Handler

"""Registers benchmark clients through the admin API: services, credentials, sessions. Prints tokens."""
import json
import sys
import urllib.request


def call(base, admin_token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + admin_token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def register(base, admin_token, client_id, redis_port, database, password=None):
    """A client on the benchmark's Redis; with a password, a login of its own (the default user takes any)."""
    call(base, admin_token, "PUT", f"/v1/admin/clients/{client_id}/service",
         {"host": "127.0.0.1", "port": redis_port, "database": database})
    credentials = {"kind": "none"} if password is None else {"kind": "password", "username": "default",
                                                              "password": password}
    call(base, admin_token, "PUT", f"/v1/admin/clients/{client_id}/credentials", credentials)
    return call(base, admin_token, "POST", "/v1/admin/sessions",
                {"userId": "bench-" + client_id, "clientId": client_id, "ttlSeconds": 86400})["token"]


if __name__ == "__main__":
    base, admin_token, prefix, count, redis_port = sys.argv[1:6]
    own_login = len(sys.argv) > 6 and sys.argv[6] == "own-login"
    for i in range(int(count)):
        print(register(base, admin_token, f"{prefix}{i}", int(redis_port), i % 16,
                       f"pw-{prefix}{i}" if own_login else None), flush=True)

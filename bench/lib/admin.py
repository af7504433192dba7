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


def register(base, admin_token, client_id, redis_port, database, password=None, key_prefix=None):
    """A client on the benchmark's Redis; with a password, a login of its own (the default user takes any); with a
    key prefix, a policy that confines its keys to it."""
    service = {"host": "127.0.0.1", "port": redis_port, "database": database}
    if key_prefix is not None:
        service["policy"] = {"mode": "read-write", "keyPrefixes": [key_prefix]}
    call(base, admin_token, "PUT", f"/v1/admin/clients/{client_id}/service", service)
    credentials = {"kind": "none"} if password is None else {"kind": "password", "username": "default",
                                                              "password": password}
    call(base, admin_token, "PUT", f"/v1/admin/clients/{client_id}/credentials", credentials)
    return call(base, admin_token, "POST", "/v1/admin/sessions",
                {"userId": "bench-" + client_id, "clientId": client_id, "ttlSeconds": 86400})["token"]


if __name__ == "__main__":
    # modes: (none) databases 0-15 on one login; own-login: a login each; namespaced: database 0 on one login, each
    # tenant confined to its own key prefix (prints "token<TAB>key": the key the tenant's requests read)
    base, admin_token, prefix, count, redis_port = sys.argv[1:6]
    mode = sys.argv[6] if len(sys.argv) > 6 else ""
    for i in range(int(count)):
        client = f"{prefix}{i}"
        if mode == "namespaced":
            token = register(base, admin_token, client, int(redis_port), 0, key_prefix=f"{client}:")
            print(f"{token}\t{client}:bench", flush=True)
        else:
            print(register(base, admin_token, client, int(redis_port), i % 16,
                           f"pw-{client}" if mode == "own-login" else None), flush=True)

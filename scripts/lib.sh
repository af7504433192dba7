# Shared helpers for the project's scripts. Source it; do not run it.
# Everything here prints what it does and fails with a clear message when it cannot.

MAVEN_VERSION=3.9.11
WRAPPER_PLUGIN=org.apache.maven.plugins:maven-wrapper-plugin:3.3.4

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "need root to run: $* (run this script as root, or install it yourself)"; fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "cannot install $* here: no apt-get (install it yourself)"
  say "installing Debian packages: $*"
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq >/dev/null || die "apt-get update failed"; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

# Picks a JDK 25 and exports JAVA_HOME. Honours an existing JAVA_HOME that is 25 or newer.
find_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 \
                   /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/*25* \
                   /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  die "no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm). Install Temurin 25 or OpenJDK 25 and set JAVA_HOME."
}

# Makes ./mvnw usable: the wrapper's properties are written by Maven's own wrapper plugin on first use.
ensure_wrapper() {
  local root="$1"
  if [ ! -f "$root/.mvn/wrapper/maven-wrapper.properties" ]; then
    command -v mvn >/dev/null 2>&1 || apt_install maven
    say "setting up the Maven wrapper (Maven $MAVEN_VERSION)"
    (cd "$root" && mvn -B -q -N "$WRAPPER_PLUGIN:wrapper" -Dtype=only-script -Dmaven="$MAVEN_VERSION" >/dev/null) \
      || die "could not set up the Maven wrapper"
    git -C "$root" checkout -q -- mvnw 2>/dev/null || true
    chmod +x "$root/mvnw"
  fi
}

# Node.js and npm, and the official Upstash SDK the compatibility test runs (pinned in tests/upstash-sdk).
ensure_upstash_sdk() {
  local root="$1"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  command -v node >/dev/null 2>&1 || die "node is not installed and could not be installed (needed by UpstashSdkIT)"
  if [ ! -d "$root/tests/upstash-sdk/node_modules/@upstash/redis" ]; then
    say "installing the Upstash SDK for the compatibility test (npm)"
    (cd "$root/tests/upstash-sdk" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null) \
      || die "npm could not install @upstash/redis into tests/upstash-sdk (is the npm registry reachable?)"
  fi
}

# Debian's Chromium and its ChromeDriver, for the browser tests (headless, driven by Selenium).
ensure_browser() {
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    apt_install chromium chromium-driver
  fi
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
    || die "chromium and chromedriver are not installed and could not be installed (needed by the browser tests)"
}

# Debian's nginx, the load balancer in front of three instances in the multi-instance test (deploy/nginx).
ensure_nginx() {
  if [ ! -x /usr/sbin/nginx ]; then
    apt_install nginx-light
  fi
  [ -x /usr/sbin/nginx ] || die "nginx is not installed and could not be installed (needed by MultiInstanceIT)"
}

# Node.js 18 or later, for the JavaScript client's own tests (clients/js, run by JsClientIT).
ensure_node18() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 18 ] 2>/dev/null || die "Node.js 18 or later is needed for the JavaScript client's tests (found: $(node -v 2>/dev/null || echo none))"
}

ensure_redis_binaries() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server redis-tools
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed and could not be installed"
}

# Makes sure something answers PING on 127.0.0.1:$1, starting a throwaway redis-server there if needed.
ensure_redis_on() {
  local port="$1" dir="$2"
  ensure_redis_binaries
  if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then return 0; fi
  say "starting redis-server on 127.0.0.1:$port"
  mkdir -p "$dir"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
    --logfile "$dir/redis-$port.log" --pidfile "$dir/redis-$port.pid" >/dev/null || die "redis-server did not start"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "redis-server did not answer on port $port (see $dir/redis-$port.log)"
}

pg_ready() { pg_isready -h "${RC_TEST_PG_HOST:-127.0.0.1}" -p "${RC_TEST_PG_PORT:-5432}" -q 2>/dev/null; }

# Makes sure PostgreSQL answers on 127.0.0.1:5432 with trust auth for the postgres user.
ensure_postgres() {
  command -v pg_isready >/dev/null 2>&1 || apt_install postgresql postgresql-client
  pg_ready && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql postgresql-client; fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do pg_ready && break; sleep 0.2; done
  pg_ready || die "PostgreSQL is not answering on ${RC_TEST_PG_HOST:-127.0.0.1}:${RC_TEST_PG_PORT:-5432}"
  if ! psql -h 127.0.0.1 -U "${RC_TEST_PG_USER:-postgres}" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    say "allowing local trust authentication for the tests"
    local hba; hba=$(ls /etc/postgresql/"$version"/main/pg_hba.conf)
    as_root sed -i 's/^\(host *all *all *127.0.0.1\/32 *\).*/\1trust/; s/^\(host *all *all *::1\/128 *\).*/\1trust/' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1 || true
    sleep 1
    psql -h 127.0.0.1 -U "${RC_TEST_PG_USER:-postgres}" -d postgres -tAc 'select 1' >/dev/null 2>&1 \
      || die "cannot log in to PostgreSQL as ${RC_TEST_PG_USER:-postgres} (set RC_TEST_PG_USER / RC_TEST_PG_PASSWORD)"
  fi
}

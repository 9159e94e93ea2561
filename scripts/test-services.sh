#!/usr/bin/env bash
# Installs (from Debian), configures and starts the PostgreSQL, Redis and MariaDB that the e2e tests use:
# PostgreSQL on 127.0.0.1:5432 with password-free loopback connections and a `test` database,
# Redis on 127.0.0.1:6379 without persistence. Safe to run again: it only does what is missing.
# Needs root (apt-get, pg_ctlcluster); this is for test machines, never for a server of value.
set -euo pipefail

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

wait_for() {
  local what=$1
  shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "test-services: $what did not become ready within 30 s" >&2
  return 1
}

# --- PostgreSQL ---------------------------------------------------------------------------------
# The client package alone also creates /usr/lib/postgresql/<version>: look for the server binary.
server_versions() { ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | cut -d/ -f5 | sort -V; }
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(server_versions)" ]; then
  apt_install postgresql
fi
pg_version=$(server_versions | tail -n 1)
if [ ! -d "/etc/postgresql/$pg_version/main" ]; then
  pg_createcluster "$pg_version" main >/dev/null
fi
hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
trust_line='host all all 127.0.0.1/32 trust'
if [ "$(grep -v '^\s*#' "$hba" | grep -v '^\s*$' | head -n 1 | tr -s ' \t' ' ')" != "$trust_line" ]; then
  # The first matching line wins, so the trust line goes first.
  { echo "$trust_line"; cat "$hba"; } >"$hba.new"
  chown --reference="$hba" "$hba.new"
  chmod --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"
  if pg_ctlcluster "$pg_version" main status >/dev/null 2>&1; then
    pg_ctlcluster "$pg_version" main reload
  fi
fi
if ! pg_ctlcluster "$pg_version" main status >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
wait_for "PostgreSQL" pg_isready -q -h 127.0.0.1 -p 5432
if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != "1" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test'
fi

# The stall tests find a private PostgreSQL's backends with pgrep.
if ! command -v pgrep >/dev/null 2>&1; then
  apt_install procps
fi

# --- Redis --------------------------------------------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
fi
wait_for "Redis" redis-cli -h 127.0.0.1 -p 6379 ping

# --- MariaDB ------------------------------------------------------------------------------------
# The consumer app on MySQL (TypeORM and mysql2) uses it: database `test`, user `test`, password `test`.
if ! command -v mariadbd >/dev/null 2>&1; then
  apt_install mariadb-server
fi
mariadb_ready() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u test -ptest ping; }
if ! mariadb_ready >/dev/null 2>&1; then
  if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    mkdir -p /run/mysqld
    chown mysql:mysql /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    (mariadbd --user=mysql --datadir=/var/lib/mysql --bind-address=127.0.0.1 --port=3306 >/tmp/mariadb.log 2>&1 &)
    wait_for "MariaDB" mariadb-admin --protocol=socket ping
  fi
  mariadb --protocol=socket -e "CREATE DATABASE IF NOT EXISTS test; CREATE USER IF NOT EXISTS 'test'@'127.0.0.1' IDENTIFIED BY 'test'; GRANT ALL ON test.* TO 'test'@'127.0.0.1';"
fi
wait_for "MariaDB" mariadb_ready

echo "test-services: PostgreSQL $pg_version on 127.0.0.1:5432 (database test), Redis on 127.0.0.1:6379, MariaDB on 127.0.0.1:3306 (database test)"

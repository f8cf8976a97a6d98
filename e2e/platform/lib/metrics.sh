# The metrics and database part of the local platform. Sourced by `up`.
# shellcheck shell=bash

postgres_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -x $dir/postgres ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"
  echo "$dir"
}

# PostgreSQL refuses to run as root; as root we drop to the packaged 'postgres' user.
# setpriv execs in place, so the recorded pid is the postmaster's own.
AS_POSTGRES=()
if ((EUID == 0)); then AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups); fi

start_postgres() {
  local bin port exporter_port data=$RUN_DIR/postgres/data
  bin="$(postgres_bin_dir)"
  command -v prometheus-postgres-exporter >/dev/null ||
    die "postgres_exporter not found (apt-get install prometheus-postgres-exporter)"
  port=$(free_port) exporter_port=$(free_port)
  mkdir -p "$data"
  if ((EUID == 0)); then chown -R postgres:postgres "$RUN_DIR/postgres"; fi
  "${AS_POSTGRES[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust --no-sync -E UTF8 \
    >"$RUN_DIR/logs/initdb.log" 2>&1 || die "initdb failed, see $RUN_DIR/logs/initdb.log"
  # TCP only, no Unix-domain socket. A socket path is limited to 107 bytes (sun_path), and
  # the run directory lives wherever the repository was cloned (tests use
  # <module>/target/platform/<TestClass>): from a long checkout path PostgreSQL could not
  # create its socket there and refused to start. Every client connects over TCP anyway
  # (pg_isready -h 127.0.0.1, postgres_exporter's DSN, JDBC_URL, the tour and the demo), so
  # no socket is needed, and none means nothing to clean up outside the run directory.
  # For psql: psql -h 127.0.0.1 -p "$PG_PORT" -U postgres.
  start postgres "${AS_POSTGRES[@]}" "$bin/postgres" -D "$data" -p "$port" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c max_connections="$MAX_CONNECTIONS" -c fsync=off -c synchronous_commit=off
  wait_healthy postgres 60 "PostgreSQL ready on port $port (max_connections=$MAX_CONNECTIONS)" \
    "$bin/pg_isready" -h 127.0.0.1 -p "$port" -U postgres

  local dsn="postgresql://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  start postgres-exporter env DATA_SOURCE_NAME="$dsn" prometheus-postgres-exporter \
    --web.listen-address "127.0.0.1:$exporter_port"
  local metrics="http://127.0.0.1:$exporter_port/metrics"
  wait_healthy postgres-exporter 30 "postgres_exporter serving on port $exporter_port" \
    curl -fsS --max-time 5 -o /dev/null "$metrics"
  # Read the whole page first: with pipefail, grep -q leaving early would fail curl's write.
  exporter_connected() { local page; page="$(curl -fsS --max-time 10 "$metrics")" && grep -q '^pg_up 1' <<<"$page"; }
  if ! wait_healthy postgres-exporter 60 "postgres_exporter connected to PostgreSQL" exporter_connected; then
    log "postgres_exporter's view of the database:"
    curl -sS --max-time 10 "$metrics" | grep -E '^pg_up|^pg_exporter_last_scrape_error|^pg_exporter_scrapes_total' >&2 || true
    return 1
  fi

  export_env PG_HOST 127.0.0.1
  export_env PG_PORT "$port"
  export_env PG_USER postgres
  export_env PG_DATABASE postgres
  export_env PG_MAX_CONNECTIONS "$MAX_CONNECTIONS"
  export_env JDBC_URL "jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"
  export_env POSTGRES_EXPORTER_ADDRESS "127.0.0.1:$exporter_port"
}

start_prometheus() {
  command -v prometheus >/dev/null || die "prometheus not found (apt-get install prometheus)"
  local port dir=$RUN_DIR/prometheus
  port=$(free_port)
  mkdir -p "$dir/targets" "$dir/data"
  # Tests add scrape targets by dropping JSON files into targets/ (file service
  # discovery notices them within a second); postgres_exporter is one of them.
  local addr; addr="$(sed -n 's/^POSTGRES_EXPORTER_ADDRESS=//p' "$ENV_FILE.partial")"
  if [[ -n $addr ]]; then
    echo "[{\"targets\": [\"$addr\"], \"labels\": {\"job\": \"postgres\"}}]" >"$dir/targets/postgres.json"
  fi
  cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: $SCRAPE_INTERVAL
  scrape_timeout: $SCRAPE_INTERVAL
  evaluation_interval: $SCRAPE_INTERVAL
scrape_configs:
- job_name: targets
  file_sd_configs:
  - files: ['$dir/targets/*.json']
    refresh_interval: 1s
EOF
  start prometheus prometheus --config.file "$dir/prometheus.yml" \
    --storage.tsdb.path "$dir/data" --storage.tsdb.retention.time 1d \
    --web.listen-address "127.0.0.1:$port" --web.enable-lifecycle
  wait_healthy prometheus 60 "Prometheus ready on port $port (scrape interval $SCRAPE_INTERVAL)" \
    curl -fsS --max-time 5 "http://127.0.0.1:$port/-/ready"

  export_env PROMETHEUS_URL "http://127.0.0.1:$port"
  export_env PROMETHEUS_TARGETS_DIR "$dir/targets"
}

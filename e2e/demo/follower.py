#!/usr/bin/env python3
"""The simulated checkout service of `./demo --canary`, one "process" per Ready pod.

kwok runs no containers, so this stands in for them: for every Ready pod of the app it holds a
steady number of database sessions (application_name = the pod's name), and while the pod runs
the leaking image it opens one more every 2 s and never closes it. When a pod goes away, its
sessions close with it. So only the pods that really run the leaking release leak.

It serves /metrics for Prometheus: the database's sessions per pod, read from PostgreSQL's
pg_stat_activity (grouped by application_name) at each scrape, as
pg_stat_activity_sessions{datname, pod}. It writes a status file (JSON) that the demo reads: the
current sessions, their peak, and every pod that ever ran the leaking image.

Usage: follower.py PG_PORT DATABASE KUBECTL KUBECONFIG NAMESPACE APP LEAKY_IMAGE PSQL
                   METRICS_PORT STATUS_FILE
"""
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

(pg_port, database, kubectl, kubeconfig, namespace, app, leaky, psql, metrics_port,
 status_file) = sys.argv[1:11]
pg_port, metrics_port = int(pg_port), int(metrics_port)
STEADY = 2          # sessions a healthy pod holds
LEAK_EVERY = 2.0    # seconds between two leaked sessions of a leaking pod


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def open_session(pod):
    """A database session as the pod's: the startup message, then wait until it is ready."""
    s = socket.create_connection(("127.0.0.1", pg_port))
    params = b"".join(k + b"\0" + v.encode() + b"\0" for k, v in (
        (b"user", "postgres"), (b"database", database), (b"application_name", pod))) + b"\0"
    s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
    received = b""
    while not received.endswith(b"Z\0\0\0\x05I"):
        chunk = s.recv(4096)
        received += chunk
        if not chunk or received[:1] == b"E":
            s.close()
            raise ConnectionError(f"PostgreSQL refused a session for {pod}")
    return s


def close_session(s):
    try:
        s.sendall(b"X\0\0\0\x04")  # Terminate
    except OSError:
        pass
    s.close()


def ready_pods():
    """{pod name: image} of the app's Ready pods that are not being deleted; None if unknown."""
    out = subprocess.run([kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-n", namespace,
                          "-l", f"app={app}", "-o", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    pods = {}
    for pod in json.loads(out.stdout)["items"]:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        conditions = pod.get("status", {}).get("conditions", [])
        if any(c["type"] == "Ready" and c["status"] == "True" for c in conditions):
            pods[pod["metadata"]["name"]] = pod["spec"]["containers"][0]["image"]
    return pods


def sessions_by_pod():
    """From PostgreSQL itself: the database's sessions by application_name."""
    out = subprocess.run([psql, "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres",
                          "-d", "postgres", "-AtF", "\t", "-c",
                          "select application_name, count(*) from pg_stat_activity"
                          f" where datname = '{database}' group by 1"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    counts = {}
    for line in out.stdout.splitlines():
        name, n = line.rsplit("\t", 1)
        counts[name] = int(n)
    return counts


class Metrics(BaseHTTPRequestHandler):
    def do_GET(self):
        counts = sessions_by_pod()
        if self.path != "/metrics" or counts is None:
            self.send_error(404 if counts is not None else 503)
            return
        lines = ["# HELP pg_stat_activity_sessions Sessions in pg_stat_activity, by the pod"
                 " (application_name) that opened them.",
                 "# TYPE pg_stat_activity_sessions gauge"]
        lines += [f'pg_stat_activity_sessions{{datname="{database}",pod="{pod}"}} {n}'
                  for pod, n in sorted(counts.items()) if pod.startswith(app + "-")]
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", metrics_port), Metrics)
threading.Thread(target=server.serve_forever, daemon=True).start()

held = {}          # pod -> {"image", "sessions", "since"}
ever_leaky = set()
peak = 0
while True:
    started = time.time()
    pods = ready_pods()
    if pods is not None:
        for pod, image in pods.items():
            try:
                if pod not in held:
                    held[pod] = {"image": image, "since": time.time(),
                                 "sessions": [open_session(pod) for _ in range(STEADY)]}
                    if image == leaky:
                        ever_leaky.add(pod)
                    log(f"pod {pod} ({image}) Ready: {STEADY} sessions")
                h = held[pod]
                if h["image"] == leaky:
                    due = STEADY + int((time.time() - h["since"]) / LEAK_EVERY)
                    while len(h["sessions"]) < due:
                        h["sessions"].append(open_session(pod))
                        log(f"pod {pod} leaked a session: {len(h['sessions']) - STEADY} leaked")
            except OSError as e:
                log(f"pod {pod}: {e}")
        for pod in [p for p in held if p not in pods]:
            for s in held[pod]["sessions"]:
                close_session(s)
            log(f"pod {pod} gone: its {len(held[pod]['sessions'])} sessions closed")
            del held[pod]
    counts = sessions_by_pod()
    if counts is not None:
        total = sum(counts.values())
        peak = max(peak, total)
        status = {"sessions": total, "peak": peak, "leaky_pods": sorted(ever_leaky),
                  "pods": {p: counts.get(p, 0) for p in sorted(held)},
                  "images": {p: held[p]["image"] for p in sorted(held)}}
        with open(status_file + ".tmp", "w") as f:
            json.dump(status, f)
        os.replace(status_file + ".tmp", status_file)
    time.sleep(max(0.0, 0.5 - (time.time() - started)))

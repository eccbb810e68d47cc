#!/usr/bin/env python3
"""bench/bench.py: the benchmark suite (`make bench`, issue 7).

Starts a real prometheus-alertmanager on loopback (temporary storage, no
clustering), loads 1k, 10k and 50k synthetic alerts through POST
/api/v2/alerts, and measures in one run, each figure the median of several
runs: the curl fetch floor; one-shot `pagetty alerts` against `amtool alert
query` (wall, CPU, peak RSS through wait4's rusage); the TUI in a pty (first
frame, CPU per refresh cycle, VmHWM, bytes per idle refresh and per one
changed alert, key latency with a second, hanging Alertmanager, runbook open
time); runbook parse+layout through bench/rb_bench. Writes bench/RESULTS.md.

Loopback only. Every wait is bounded; every process started here is stopped
by its PID in a finally block. Standard library only.
"""

import datetime
import errno
import fcntl
import json
import os
import platform
import random
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PAGETTY = os.environ.get("PAGETTY", os.path.join(ROOT, "pagetty"))
RB_BENCH = os.environ.get("RB_BENCH", os.path.join(ROOT, "build", "bench", "rb_bench"))
RUSAGE = os.environ.get("RUSAGE", os.path.join(ROOT, "build", "bench", "rusage"))
ALERTMANAGER = os.environ.get("ALERTMANAGER_BIN", "/usr/bin/prometheus-alertmanager")
AMTOOL = os.environ.get("AMTOOL_BIN", "/usr/bin/amtool")
CURL = shutil.which("curl") or "/usr/bin/curl"
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench", "RESULTS.md"))
QUICK = os.environ.get("BENCH_QUICK") == "1"   # fewer runs, for trying the script

SIZES = [1000, 10000, 50000]
RUNS = {1000: 5, 10000: 5, 50000: 3} if not QUICK else {1000: 2, 10000: 2, 50000: 1}
FRAME_RUNS = 7 if not QUICK else 1  # first frame: curl + TUI pairs per size
REFRESH_S = 2.0
STEADY_CYCLES = 6 if not QUICK else 3
KEY_PRESSES = 200
ROWS, COLS = 40, 160
RUNBOOK_ALERT = "BenchRunbook500"
FLIP_ALERT = "BenchFlip"
RB_MARK = "Zq7RunbookMarker"
DEADLINE = time.monotonic() + 9 * 60   # the whole run stays under 10 minutes

os.environ.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", NO_PROXY="*", no_proxy="*")
for v in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
          "all_proxy", "PAGETTY_CONFIG", "TMUX"):
    os.environ.pop(v, None)


def log(msg):
    print("# bench: " + msg, flush=True)


def left():
    return DEADLINE - time.monotonic()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http(method, url, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


# ------------------------------------------------------------ synthetic data

NAMES = ["HighErrorRate", "HighLatencyP99", "PodCrashLooping", "PodNotReady",
         "KubeDeploymentReplicasMismatch", "KubeJobFailed", "KubeHpaMaxedOut",
         "NodeFilesystemAlmostFull", "NodeMemoryPressure", "NodeCPUSaturated",
         "NodeNetworkReceiveErrs", "NodeClockSkew", "DiskIOSaturation",
         "TargetDown", "ScrapeTimeout", "PrometheusRuleFailures",
         "AlertmanagerFailedToSend", "CertificateExpiringSoon", "TLSHandshakeErrors",
         "DNSResolutionFailures", "IngressHigh5xx", "IngressLatencyHigh",
         "UpstreamConnectTimeouts", "QueueBacklogGrowing", "ConsumerLagHigh",
         "KafkaUnderReplicatedPartitions", "RedisMemoryHigh", "RedisReplicationBroken",
         "PostgresReplicationLag", "PostgresTooManyConnections", "PostgresDeadlocks",
         "MySQLSlowQueries", "ElasticsearchClusterYellow", "ElasticsearchHeapHigh",
         "CassandraReadLatency", "EtcdHighFsyncDuration", "EtcdNoLeader",
         "APIServerErrorBudgetBurn", "SLOBurnRateFast", "SLOBurnRateSlow",
         "CheckoutHighErrorRate", "PaymentsDeclineSpike", "SearchIndexStale",
         "CDNOriginErrors", "BatchJobMissedSchedule", "CronJobSuspended",
         "ContainerOOMKilled", "ContainerThrottled", "VolumeIOPSLimit",
         "LoadBalancerUnhealthyHosts"]
SEVERITIES = ["critical", "warning", "warning", "warning", "info", "info", "error"]
SERVICES = ["checkout", "cart", "payments", "search", "catalog", "auth", "users",
            "orders", "shipping", "inventory", "recommendations", "email",
            "notifications", "billing", "ledger", "gateway", "frontend", "api",
            "graphql", "media", "thumbnails", "reports", "analytics", "ingest",
            "etl", "scheduler", "kafka", "redis", "postgres", "mysql",
            "elasticsearch", "cassandra", "etcd", "dns", "cdn", "ingress",
            "vault", "consul", "registry", "ci"]
NAMESPACES = ["prod", "prod-eu", "prod-us", "staging", "data", "platform",
              "monitoring", "payments", "edge", "batch"]
TEAMS = ["sre", "payments", "search", "platform", "data", "edge", "identity", "growth"]
JOBS = ["node-exporter", "kube-state-metrics", "kubelet", "cadvisor", "blackbox",
        "app", "postgres-exporter", "redis-exporter"]


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")


def make_alert(i, now, rnd):
    name = NAMES[i % len(NAMES)]
    svc = SERVICES[rnd.randrange(len(SERVICES))]
    ns = NAMESPACES[rnd.randrange(len(NAMESPACES))]
    sev = SEVERITIES[rnd.randrange(len(SEVERITIES))]
    if sev == "critical":      # keep the two special alerts on the top rows
        sev = "error"
    pod = "%s-%08x-%05d" % (svc, rnd.getrandbits(32), i)
    labels = {
        "alertname": name, "severity": sev, "service": svc, "namespace": ns,
        "instance": "node-%05d.bench.invalid:9100" % i,
        "job": JOBS[rnd.randrange(len(JOBS))],
        "team": TEAMS[rnd.randrange(len(TEAMS))], "pod": pod,
    }
    ann = {
        "summary": "%s on %s/%s" % (name, ns, svc),
        "description": ("%s has been firing for service %s in namespace %s (pod %s); "
                        "the SLI is outside its objective and users may see errors "
                        "or slow responses." % (name, svc, ns, pod)),
        "runbook_url": "https://runbooks.bench.invalid/alerts/%s.md" % name,
    }
    starts = now - 60 - rnd.randrange(86400)
    return {"labels": labels, "annotations": ann, "startsAt": iso(starts),
            "endsAt": iso(now + 30 * 86400),
            "generatorURL": "http://prometheus.bench.invalid/graph?g0.expr=up"}


def special_alerts(now):
    out = []
    for n, (name, dt) in enumerate(((RUNBOOK_ALERT, 0), (FLIP_ALERT, 1))):
        out.append({"labels": {"alertname": name, "severity": "critical",
                               "service": "bench", "namespace": "bench",
                               "instance": "bench-%d:9100" % n, "job": "bench",
                               "team": "sre", "pod": "bench-%d" % n},
                    "annotations": {"summary": "%s special alert" % name,
                                    "description": "used by the benchmark"},
                    # 2 h old: the age column ("2h") stays put between refreshes
                    "startsAt": iso(now - 7200 - dt), "endsAt": iso(now + 30 * 86400)})
    return out


def write_runbook(path, steps=500):
    """A 500-step runbook in the canonical shape of DESIGN.md section 5."""
    out = ["# Runbook: %s %s" % (RUNBOOK_ALERT, RB_MARK), "",
           "## What this alert means", "",
           "A generated runbook of %d steps, for the benchmark. Users see errors." % steps, ""]
    n_tri, n_mit = steps * 2 // 5, steps * 2 // 5
    n_esc = steps - n_tri - n_mit
    out += ["## Initial triage (5 minutes)", ""]
    for i in range(n_tri):
        out += ["%d. Check shard %d of the **checkout** fleet for `5xx` errors" % (i + 1, i),
                "   ```sh", "   kubectl -n \"$PAGETTY_LABEL_namespace\" get pods "
                "-l shard=%d -o wide" % i, "   ```", ""]
    out += ["## Mitigations (in order of reversibility)", ""]
    tags = ["[reversible]", "[risky]", "[irreversible]", ""]
    for i in range(n_mit):
        out += ["%d. %s Drain shard %d and shift its traffic" % (i + 1, tags[i % 4], i),
                "   ```sh", "   flagctl set checkout.shard-%d off" % i, "   ```",
                "   Rollback: `flagctl set checkout.shard-%d on`" % i, ""]
    out += ["## When to escalate", ""]
    for i in range(n_esc):
        out.append("- If shard %d is still failing after %d minutes, page the owner." %
                   (i, 5 + i % 60))
    out += ["", "## Postmortem checklist", "", "- [ ] Save the graphs", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


# ------------------------------------------------------------ servers

class HangServer(threading.Thread):
    """Accepts TCP connections on loopback and never answers."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            r, _, _ = select.select([self.sock] + self.conns, [], [], 0.2)
            for s in r:
                if s is self.sock:
                    c, _ = self.sock.accept()
                    if len(self.conns) >= 512:
                        c.close()
                    else:
                        self.conns.append(c)
                else:
                    try:
                        d = s.recv(65536)   # read the request, never reply
                    except OSError:
                        d = b""
                    if not d:
                        self.conns.remove(s)
                        s.close()

    def close(self):
        self.stop.set()
        self.join(3)
        for c in self.conns:
            c.close()
        self.sock.close()


class Procs:
    """Every long-running process started here, stopped by PID."""

    def __init__(self):
        self.procs = []

    def add(self, p):
        self.procs.append(p)
        return p

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


def start_alertmanager(procs, tmp):
    port = free_port()
    cfg = os.path.join(tmp, "alertmanager.yml")
    with open(cfg, "w") as f:
        f.write("route:\n  receiver: blackhole\n  group_by: [alertname]\n"
                "  group_wait: 30s\n  group_interval: 5m\n  repeat_interval: 4h\n"
                "receivers:\n  - name: blackhole\n")
    os.makedirs(os.path.join(tmp, "am"), exist_ok=True)
    logf = open(os.path.join(tmp, "am.log"), "w")
    procs.add(subprocess.Popen(
        [ALERTMANAGER, "--config.file=" + cfg, "--storage.path=" + os.path.join(tmp, "am"),
         "--web.listen-address=127.0.0.1:%d" % port, "--cluster.listen-address=",
         "--log.level=warn"], stdout=logf, stderr=subprocess.STDOUT))
    url = "http://127.0.0.1:%d" % port
    for _ in range(150):
        try:
            http("GET", url + "/-/ready", timeout=2)
            return url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("alertmanager did not become ready; see " + logf.name)


def load_alerts(url, have, want, now, rnd):
    batch = []
    if have == 0:
        batch = special_alerts(now)
        have = len(batch)
    while have < want:
        batch.append(make_alert(have, now, rnd))
        have += 1
        if len(batch) >= 1000:
            http("POST", url + "/api/v2/alerts", batch, timeout=60)
            batch = []
    if batch:
        http("POST", url + "/api/v2/alerts", batch, timeout=60)
    for _ in range(100):
        n = len(json.loads(http("GET", url + "/api/v2/alerts", timeout=60)))
        if n >= want:
            return n
        time.sleep(0.2)
    raise RuntimeError("alertmanager holds %d alerts, wanted %d" % (n, want))


# ------------------------------------------------------------ one-shot runs

def run_rusage(argv, timeout=120, env=None):
    """wall s, cpu s (user+sys), peak RSS KiB, exit status of one command,
    through bench/rusage (a small C parent: see rusage.c for why)."""
    p = subprocess.Popen([RUSAGE] + argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=env, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return timeout, 0.0, 0, 124
    kv = dict(f.split("=", 1) for f in out.split())
    return (float(kv["wall_s"]), float(kv["cpu_s"]), int(kv["maxrss_kb"]),
            int(kv["status"]))


def median_runs(argv, runs, env=None):
    rs = [run_rusage(argv, env=env) for _ in range(runs)]
    bad = [r[3] for r in rs if r[3] != 0]
    return {"wall": statistics.median(r[0] for r in rs),
            "cpu": statistics.median(r[1] for r in rs),
            "rss_kb": statistics.median(r[2] for r in rs),
            "failed": len(bad)}


# ------------------------------------------------------------ the TUI in a pty

class Tui:
    """pagetty's console in a pty of ROWS x COLS; output drained by read()."""

    def __init__(self, config, tmp):
        self.t_exec = time.monotonic()
        pid, fd = os.forkpty()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME=tmp,
                           XDG_STATE_HOME=tmp, HOME=tmp)
                os.execve(PAGETTY, [PAGETTY, "--config", config], env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.buf = bytearray()
        self.events = []       # (monotonic time, bytes read)
        self.total = 0

    def pump(self, timeout):
        """Read what is there within timeout seconds; bytes read."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return 0
        try:
            d = os.read(self.fd, 1 << 16)
        except OSError as e:
            if e.errno == errno.EIO:
                raise RuntimeError("pagetty exited")
            raise
        if not d:
            raise RuntimeError("pagetty exited")
        self.events.append((time.monotonic(), len(d)))
        self.total += len(d)
        self.buf += d
        if len(self.buf) > (4 << 20):
            del self.buf[:len(self.buf) - (1 << 20)]
        return len(d)

    def wait_for(self, needle, timeout):
        """Monotonic time at which needle appeared in output read from now on."""
        start = len(self.buf)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(min(0.05, end - time.monotonic()))
            if self.buf.find(needle, max(0, start - len(needle))) >= 0:
                return time.monotonic()
            start = max(0, len(self.buf) - len(needle))
        raise RuntimeError("timed out waiting for %r" % needle)

    def drain(self, quiet, limit):
        """Read until no output for `quiet` s (or `limit` s in all)."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if not self.pump(min(quiet, end - time.monotonic())):
                return

    def run_for(self, secs):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.pump(end - time.monotonic())

    def send(self, keys):
        os.write(self.fd, keys)

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.pid) as f:
            st = f.read()
        fields = st[st.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])   # utime, stime

    def vm(self, key):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        for _ in range(100):
            try:
                self.drain(0.01, 0.02)
            except (RuntimeError, OSError):
                pass
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            time.sleep(0.02)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def write_config(tmp, name, ams, runbooks):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("refresh: %gs\nalertmanagers:\n" % REFRESH_S)
        for n, u in ams:
            f.write("  - name: %s\n    url: %s\n" % (n, u))
        f.write("runbooks:\n  dirs: [%s]\n" % runbooks)
    return path


def first_frame(config, tmp, runs, url):
    """Exec of the TUI to its first frame listing alerts, each run paired
    with a curl fetch of the same answer: the floor taken in the same
    moment, as this machine's speed drifts between batches by more than the
    margin the target leaves. Which of the two goes first alternates, with
    a pause before each, so neither always meets the garbage the other's
    request left in Alertmanager. Medians of both and of the pairs' ratios."""
    frames, floors, ratios = [], [], []
    for i in range(runs):
        frame = floor = None
        for which in ("curl", "tui") if i % 2 == 0 else ("tui", "curl"):
            time.sleep(0.3)
            if which == "curl":
                floor = run_rusage([CURL, "-s", url, "-o", "/dev/null"])[0]
                continue
            t = Tui(config, tmp)
            try:
                frame = t.wait_for(RUNBOOK_ALERT.encode(), 30) - t.t_exec
            finally:
                t.close()
        frames.append(frame)
        floors.append(floor)
        ratios.append(frame / floor)
    return {"frame": statistics.median(frames), "floor": statistics.median(floors),
            "ratio": statistics.median(ratios)}


def steady(config, tmp, am_url, runbook_checks):
    """CPU per refresh, VmHWM, idle bytes per refresh, bytes for one change,
    runbook open times. One TUI session."""
    res = {}
    t = Tui(config, tmp)
    try:
        t.wait_for(RUNBOOK_ALERT.encode(), 30)
        t.run_for(REFRESH_S * 2)                # settle: two refreshes
        hz = os.sysconf("SC_CLK_TCK")
        c0, b0, w0 = t.cpu_ticks(), t.total, time.monotonic()
        t.run_for(REFRESH_S * STEADY_CYCLES)
        c1, b1, w1 = t.cpu_ticks(), t.total, time.monotonic()
        cycles = (w1 - w0) / REFRESH_S
        res["cpu_ms_cycle"] = (c1 - c0) * 1000.0 / hz / cycles
        res["idle_bytes"] = (b1 - b0) / cycles
        res["hwm_kb"] = t.vm("VmHWM")
        if not runbook_checks:
            return res
        # One alert of 10k changes state: silence BenchFlip (active -> suppressed).
        sil = {"matchers": [{"name": "alertname", "value": FLIP_ALERT, "isRegex": False}],
               "startsAt": iso(time.time() - 1), "endsAt": iso(time.time() + 3600),
               "createdBy": "bench", "comment": "bench: one alert changes"}
        n0 = len(t.events)
        sid = json.loads(http("POST", am_url + "/api/v2/silences", sil))["silenceID"]
        t.run_for(REFRESH_S * 2.5)
        bursts, last = [], None
        for ts_, n in t.events[n0:]:
            if last is None or ts_ - last > 0.5:
                bursts.append(0)
            bursts[-1] += n
            last = ts_
        res["change_bytes"] = max(bursts) if bursts else 0
        http("DELETE", am_url + "/api/v2/silence/" + sid)
        t.run_for(REFRESH_S * 1.5)
        # Runbook open: Enter on the top alert to the frame showing it.
        opens = []
        for _ in range(5):
            t.drain(0.3, 3)
            t0 = time.monotonic()
            t.send(b"\r")
            opens.append(t.wait_for(RB_MARK.encode(), 10) - t0)
            t.drain(0.2, 3)
            t.send(b"q")
            t.wait_for(FLIP_ALERT.encode(), 10)
        res["rb_open_ms"] = statistics.median(opens) * 1000
        res["rb_open_max_ms"] = max(opens) * 1000
        return res
    finally:
        t.close()


def key_latency(config, tmp):
    """200 j/k presses; ms from write to the first output byte."""
    t = Tui(config, tmp)
    lat, missed = [], 0
    rnd = random.Random(7)
    try:
        t.wait_for(RUNBOOK_ALERT.encode(), 30)
        t.drain(0.5, 5)
        for i in range(KEY_PRESSES):
            key = b"j" if (i // 10) % 2 == 0 else b"k"
            t.send(key)
            t0 = time.monotonic()
            end = t0 + 1.0
            got = None
            while time.monotonic() < end:
                if t.pump(end - time.monotonic()):
                    got = time.monotonic()
                    break
            if got is None:
                missed += 1
                lat.append(1.0)
            else:
                lat.append(got - t0)
            t.drain(0.01, 0.5)                  # the rest of the frame
            time.sleep(rnd.uniform(0.01, 0.05))   # spread presses over refreshes
        lat.sort()
        return {"p50_ms": lat[len(lat) // 2] * 1000,
                "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
                "max_ms": lat[-1] * 1000, "missed": missed}
    finally:
        t.close()


# ------------------------------------------------------------ report

def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return ((out.stdout or out.stderr).strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "model": model, "kernel": platform.release(),
        "pagetty": version([PAGETTY, "--version"]),
        "alertmanager": version([ALERTMANAGER, "--version"]),
        "amtool": version([AMTOOL, "--version"]),
        "curl": version([CURL, "--version"]),
        "python": platform.python_version(),
    }


def fmt_ms(s):
    return "%.1f ms" % (s * 1000)


def verdict(ok):
    return "PASS" if ok else "**MISS**"


def write_results(m, R, elapsed):
    L = []
    L.append("# pagetty benchmark results\n")
    L.append("Generated by `make bench` (bench/bench.py); do not edit by hand. "
             "Every figure is the median of several runs in this one run.\n")
    L.append("## Machine\n")
    L.append("| | |\n|---|---|")
    for k in ("date", "nproc", "model", "kernel", "pagetty", "alertmanager", "amtool",
              "curl", "python"):
        L.append("| %s | %s |" % (k, m[k]))
    L.append("| bench wall time | %.0f s |\n" % elapsed)

    L.append("## One-shot: fetch floor, `pagetty alerts`, `amtool alert query`\n")
    L.append("| alerts | runs | curl wall | pagetty wall | amtool wall | curl CPU | pagetty CPU | "
             "amtool CPU | CPU curl/amtool (floor) | CPU pagetty/amtool | pagetty RSS | "
             "amtool RSS | RSS pagetty/amtool | pagetty wall/curl | target | result |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in SIZES:
        r = R.get(n)
        if not r:
            continue
        c, p, a = r["curl"], r["pagetty"], r["amtool"]
        cr = p["cpu"] / a["cpu"] if a["cpu"] else float("inf")
        fr = c["cpu"] / a["cpu"] if a["cpu"] else float("inf")
        rr = p["rss_kb"] / a["rss_kb"] if a["rss_kb"] else float("inf")
        ok = cr <= 0.1 and rr <= 0.5 and p["failed"] == 0
        L.append("| %d | %d | %s | %s | %s | %s | %s | %s | %.3f× | %.3f× | %.1f MB | %.1f MB | "
                 "%.3f× | %.2f× | CPU ≤ 0.1×, RSS ≤ 0.5× | %s |" % (
                     n, r["runs"], fmt_ms(c["wall"]), fmt_ms(p["wall"]), fmt_ms(a["wall"]),
                     fmt_ms(c["cpu"]), fmt_ms(p["cpu"]), fmt_ms(a["cpu"]), fr, cr,
                     p["rss_kb"] / 1024,
                     a["rss_kb"] / 1024, rr, p["wall"] / c["wall"], verdict(ok)))
    L.append("")
    L.append("`curl` fetches the same body and decodes nothing: its CPU is what "
             "loading libcurl (and the ~30 libraries Debian builds it with) and one "
             "HTTP fetch cost, the floor under any client that loads libcurl. "
             "`pagetty alerts` does not load it for plain `http://` (its built-in "
             "HTTP/1.1 client, bench/PROFILE.md), so it can go below that floor.\n")

    L.append("## The console (TUI in a %dx%d pty, refresh %gs)\n" % (COLS, ROWS, REFRESH_S))
    L.append("| figure | alerts | pagetty | compared with | target | result |")
    L.append("|---|---|---|---|---|---|")
    for n in SIZES:
        r = R.get(n)
        if r and "first_frame" in r:
            ff = r["first_frame"]
            tgt = "≤ 1.2× fetch floor" if n == 10000 else "—"
            res = verdict(ff["ratio"] <= 1.2) if n == 10000 else "(info)"
            L.append("| first frame (exec → frame listing alerts) | %d | %s | curl %s (%.2f×) | "
                     "%s | %s |" % (n, fmt_ms(ff["frame"]), fmt_ms(ff["floor"]), ff["ratio"],
                                    tgt, res))
    r = R.get(10000, {})
    st = r.get("steady")
    if st:
        L.append("| CPU per refresh cycle (utime+stime / cycles) | 10000 | %.1f ms | "
                 "amtool one query %s CPU | ≤ 30 ms | %s |" % (
                     st["cpu_ms_cycle"], fmt_ms(r["amtool"]["cpu"]),
                     verdict(st["cpu_ms_cycle"] <= 30)))
        L.append("| peak RSS (VmHWM) | 10000 | %.1f MB | amtool %.1f MB | ≤ 32 MB | %s |" % (
            st["hwm_kb"] / 1024, r["amtool"]["rss_kb"] / 1024, verdict(st["hwm_kb"] <= 32 * 1024)))
    st50 = R.get(50000, {}).get("steady")
    if st50:
        L.append("| peak RSS (VmHWM) | 50000 | %.1f MB | amtool %.1f MB | ≤ 96 MB | %s |" % (
            st50["hwm_kb"] / 1024, R[50000]["amtool"]["rss_kb"] / 1024,
            verdict(st50["hwm_kb"] <= 96 * 1024)))
        L.append("| CPU per refresh cycle | 50000 | %.1f ms | — | — | (info) |" %
                 st50["cpu_ms_cycle"])
    if st:
        L.append("| idle redraw bytes per refresh | 10000 | %.0f B | `watch amtool` repaints "
                 "the whole screen | ≤ 64 B | %s |" % (st["idle_bytes"],
                                                     verdict(st["idle_bytes"] <= 64)))
        if "change_bytes" in st:
            L.append("| bytes for one changed alert (silenced) | 10000 | %d B | — | ≤ 2 KB | "
                     "%s |" % (st["change_bytes"], verdict(st["change_bytes"] <= 2048)))
        if "rb_open_ms" in st:
            L.append("| runbook open (Enter → frame shows it), 500 steps | 10000 | %.1f ms "
                     "(max %.1f) | — | ≤ 20 ms | %s |" % (
                         st["rb_open_ms"], st["rb_open_max_ms"], verdict(st["rb_open_ms"] <= 20)))
    kl = r.get("keys")
    if kl:
        L.append("| key latency p99, %d j/k presses, one AM hangs, other serves 10k | 10000 | "
                 "%.1f ms (p50 %.1f, max %.1f, no output %d) | — | ≤ 20 ms | %s |" % (
                     KEY_PRESSES, kl["p99_ms"], kl["p50_ms"], kl["max_ms"], kl["missed"],
                     verdict(kl["p99_ms"] <= 20)))
    rb = R.get("rb_bench")
    if rb:
        L.append("| runbook_parse + runbook_layout (bench/rb_bench, width %d) | — | %.2f ms "
                 "(parse %.2f, layout %.2f; %s steps, %s lines, %s bytes) | — | ≤ 20 ms | %s |" % (
                     COLS, rb["total_ms"], rb["parse_ms"], rb["layout_ms"], rb["steps"],
                     rb["lines"], rb["bytes"], verdict(rb["total_ms"] <= 20)))
    L.append("")
    L.append("## How each figure is taken\n")
    L.append("""- Alertmanager: `prometheus-alertmanager` on 127.0.0.1, temporary storage,
  clustering off. Alerts are POSTed in batches of 1000 to `/api/v2/alerts` with
  `endsAt` 30 days ahead; labels alertname (50 names), severity, service,
  namespace, instance, job, team, pod; annotations summary, description,
  runbook_url. The same server grows from 1k to 10k to 50k.
- One-shot: each command is run by bench/rusage (a small C parent) with
  stdout to /dev/null; wall from fork to reap, CPU = ru_utime + ru_stime and
  peak RSS = ru_maxrss from `wait4()`.
  `curl -s URL/api/v2/alerts -o /dev/null` is the fetch floor.
- First frame: `forkpty()` + exec of `pagetty --config` (one Alertmanager) to
  the first pty output containing the top alert's name, each run paired with
  a `curl` fetch of the same answer (which goes first alternates, 0.3 s
  apart); the ratio is the median of the pairs' ratios (the machine's speed
  drifts between batches), the curl column those fetches' median.
- Steady state: one TUI session at `refresh: 2s`; after two settling cycles,
  utime+stime from `/proc/PID/stat` and pty bytes over %d cycles, divided by
  the cycles; VmHWM from `/proc/PID/status` afterwards.
- One change: a silence for one alert (active → suppressed, on the top rows);
  the largest burst of pty output (bursts split at 0.5 s gaps) over the next
  2.5 cycles.
- Key latency: a second configured Alertmanager is a Python socket server
  that accepts and never answers; %d presses of j/k spaced 10–50 ms apart;
  latency = write of the key to the first byte the pty produces (a refresh
  repaint that coincides would count as a reply, which can only lower it).
- Runbook open: Enter on the top alert, whose runbook (500 steps: 200 triage,
  200 mitigations with tags and rollbacks, 100 escalation items) is found in
  the runbook dir by alertname; time to the pty output containing its title.
""" % (STEADY_CYCLES, KEY_PRESSES))
    if R.get("notes"):
        L.append("## Notes from this run\n")
        for n in R["notes"]:
            L.append("- " + n)
        L.append("")
    prof = os.path.join(ROOT, "bench", "PROFILE.md")
    if os.path.exists(prof):
        L.append("Profiling of missed targets: see [PROFILE.md](PROFILE.md).\n")
    with open(OUT, "w") as f:
        f.write("\n".join(L))
    log("wrote " + OUT)


# ------------------------------------------------------------ main

def main():
    for b in (PAGETTY, ALERTMANAGER, AMTOOL, CURL, RUSAGE):
        if not os.access(b, os.X_OK):
            print("bench: %s is missing" % b, file=sys.stderr)
            return 2
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="pagetty-bench.")
    procs = Procs()
    hang = HangServer()
    hang.start()
    R = {"notes": []}
    try:
        rbdir = os.path.join(tmp, "runbooks")
        os.makedirs(rbdir)
        rbfile = os.path.join(rbdir, RUNBOOK_ALERT + ".md")
        write_runbook(rbfile)
        if os.access(RB_BENCH, os.X_OK):
            out = subprocess.run([RB_BENCH, rbfile, "21", str(COLS)], capture_output=True,
                                 text=True, timeout=120).stdout
            kv = dict(p.split("=", 1) for p in out.split())
            R["rb_bench"] = {k: (float(v) if k.endswith("_ms") else v) for k, v in kv.items()}
            log("rb_bench: " + out.strip())
        am = start_alertmanager(procs, tmp)
        log("alertmanager at " + am)
        cfg1 = write_config(tmp, "one.yaml", [("live", am)], rbdir)
        cfg2 = write_config(tmp, "two.yaml", [("live", am),
                                              ("hung", "http://127.0.0.1:%d" % hang.port)], rbdir)
        rnd = random.Random(42)
        now = time.time()
        have = 0
        for n in SIZES:
            if left() < 60:
                R["notes"].append("stopped before %d alerts: time budget" % n)
                break
            t0 = time.monotonic()
            have = load_alerts(am, have, n, now, rnd)
            log("%d alerts loaded (%.1f s)" % (have, time.monotonic() - t0))
            runs = RUNS[n]
            r = {"runs": runs}
            url = am + "/api/v2/alerts"
            r["curl"] = median_runs([CURL, "-s", url, "-o", "/dev/null"], runs)
            r["pagetty"] = median_runs([PAGETTY, "--config", cfg1, "alerts"], runs,
                                       env=dict(os.environ, XDG_CONFIG_HOME=tmp, HOME=tmp))
            r["amtool"] = median_runs([AMTOOL, "alert", "query", "--alertmanager.url=" + am],
                                      runs, env=dict(os.environ, HOME=tmp))
            log("%d one-shot: curl %.3fs pagetty %.3fs/%.3fs cpu/%dKB amtool %.3fs/%.3fs cpu/%dKB" % (
                n, r["curl"]["wall"], r["pagetty"]["wall"], r["pagetty"]["cpu"],
                r["pagetty"]["rss_kb"], r["amtool"]["wall"], r["amtool"]["cpu"],
                r["amtool"]["rss_kb"]))
            r["first_frame"] = first_frame(cfg1, tmp, max(runs, FRAME_RUNS), url)
            log("%d first frame %r" % (n, r["first_frame"]))
            if n in (10000, 50000):
                r["steady"] = steady(cfg1, tmp, am, n == 10000)
                log("%d steady: %r" % (n, r["steady"]))
            if n == 10000:
                r["keys"] = key_latency(cfg2, tmp)
                log("%d keys: %r" % (n, r["keys"]))
            R[n] = r
    except Exception as e:   # report what was measured, then fail
        R["notes"].append("run failed: %s" % e)
        log("FAILED: %s" % e)
    finally:
        procs.stop_all()
        hang.close()
        shutil.rmtree(tmp, ignore_errors=True)
    write_results(machine(), R, time.monotonic() - t_start)
    return 1 if any(n.startswith("run failed") for n in R["notes"]) else 0


if __name__ == "__main__":
    sys.exit(main())

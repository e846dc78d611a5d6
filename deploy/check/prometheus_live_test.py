#!/usr/bin/python3
"""Debian's Prometheus, on loopback, with the project's scrape config and rules, scraping a
real bioner-server (and the real trainer daemon when `bioner-trainer serve` exists).

Usage: prometheus_live_test.py BUILD_DIR SOURCE_DIR SHARED_DIR

1. Tiny random-weight models for the entity types of deploy/base/server.yaml; the server
   runs on that very file (only the repository, the poll interval and the threads changed).
2. deploy/prometheus/prometheus.yml with each job's kubernetes_sd_configs replaced by static
   loopback "pods" carrying the __meta_kubernetes_* labels that discovery would give (plus
   decoys), so that the project's relabelling runs as in a cluster; intervals 1 s.
   `promtool check config` first.
3. Checks over the HTTP API: the targets are up, request counters move with traffic, the
   p99 recording rule has a value, every rule evaluates without error, prometheus-adapter's
   query (deploy/prometheus/adapter/rules.yaml) yields the HPA's metric for the pod, a hot
   reload shows in bioner_model_info, a refused version fires BionerModelReloadFailed, a
   failed training job fires BionerTrainingJobFailed.
4. The Grafana dashboard: every metric it queries is exported by the server or the trainer
   (their /metrics, scraped after the traffic above), and every query parses.
Prints 'N passed, N failed'; exit 1 on any failure. A set-up failure is a failure.
"""
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import promql_names  # noqa: E402

build, source, data = sys.argv[1:4]  # data: tests/data, the fixtures
work = tempfile.mkdtemp(prefix="bioner_prom_")
procs = []
check = checks.Checks()
# The trainer daemon's metric names, agreed with its author (used when `serve` is missing).
TRAINER_METRICS = {
    "bioner_trainer_jobs", "bioner_trainer_jobs_finished_total", "bioner_trainer_epoch",
    "bioner_trainer_step", "bioner_trainer_total_steps", "bioner_trainer_train_loss",
    "bioner_trainer_dev_f1", "bioner_trainer_tokens_per_second", "bioner_trainer_up",
}
# Series Prometheus makes itself for every target.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "ALERTS", "ALERTS_FOR_STATE"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def start(argv, name):
    log = open(os.path.join(work, name + ".log"), "w+")
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    procs.append(p)
    return p, log


def wait_for(what, fn, timeout):
    """Polls fn() until it returns a truthy value; returns it, or None after `timeout` s."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = fn()
            if v:
                return v
        except Exception:  # not up yet
            pass
        time.sleep(0.5)
    print(f"  (gave up waiting for {what} after {timeout} s)")
    return None


def write_model(repo, etype, version, seed):
    cfg = os.path.join(work, f"{etype}.json")
    with open(cfg, "w") as f:
        json.dump({"vocab_size": 28996, "hidden_size": 16, "num_hidden_layers": 1,
                   "num_attention_heads": 2, "intermediate_size": 32, "max_position_embeddings": 64,
                   "initializer_range": 0.5,
                   "id2label": {"0": "O", "1": f"B-{etype}", "2": f"I-{etype}"}}, f)
    out = f"{repo}/{etype}/{version}"
    subprocess.run([f"{build}/tool/bioner-tool", "init-model", "--config", cfg, "--vocab",
                    os.path.join(data, "testvectors/vocab/biobert-v1.1/vocab.txt"), "--out", out,
                    "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    with open(f"{out}/tokenizer_config.json", "w") as f:
        f.write('{"do_lower_case": false}')


def set_current(repo, etype, version):
    tmp = f"{repo}/{etype}/current.tmp"
    with open(tmp, "w") as f:
        f.write(f"{version}\n")
    os.rename(tmp, f"{repo}/{etype}/current")


def scrape_types(port):
    """{family: type} from the # TYPE lines of a /metrics page."""
    text = http_get(f"http://127.0.0.1:{port}/metrics")
    return dict(re.findall(r"^# TYPE (\S+) (\S+)", text, re.M))


class Prom:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}/api/v1/"

    def api(self, path, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        body = json.loads(http_get(url))
        if body.get("status") != "success":
            raise RuntimeError(f"{path}: {body}")
        return body["data"]

    def query(self, q):
        return self.api("query", query=q)["result"]

    def value(self, q):
        r = self.query(q)
        return float(r[0]["value"][1]) if r else None


try:
    # 1. Models and the server, on deploy/base/server.yaml.
    with open(os.path.join(source, "deploy/base/server.yaml")) as f:
        server_cfg = yaml.safe_load(f)
    repo = os.path.join(work, "models")
    types = server_cfg["models"]["entity_types"]
    for i, t in enumerate(types):
        write_model(repo, t, 1, i + 1)
        set_current(repo, t, 1)
    server_cfg["models"]["repository"] = repo
    server_cfg["models"]["poll_interval_ms"] = 200
    server_cfg["threads"] = 1
    server_yaml = os.path.join(work, "server.yaml")
    with open(server_yaml, "w") as f:
        yaml.safe_dump(server_cfg, f)
    server, server_log = start([f"{build}/server/bioner-server", "--config", server_yaml,
                                "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], "server")

    def server_ports():
        server_log.seek(0)
        text = server_log.read()
        if server.poll() is not None:
            raise SystemExit(f"bioner-server exited: {text}")
        g = re.search(r"listening on (\S+)", text)
        m = re.search(r"metrics on 127\.0\.0\.1:(\d+)", text)
        return (g.group(1), int(m.group(1))) if g and m else None

    ports = wait_for("bioner-server", server_ports, 120)
    assert ports, "bioner-server did not start: " + open(os.path.join(work, "server.log")).read()
    grpc_addr, server_metrics = ports
    check("bioner-server starts on deploy/base/server.yaml", True)

    # The trainer daemon, if it exists yet.
    help_text = subprocess.run([f"{build}/trainer/bioner-trainer", "--help"], capture_output=True,
                               text=True).stdout + subprocess.run(
        [f"{build}/trainer/bioner-trainer"], capture_output=True, text=True).stderr
    trainer_metrics = None
    if re.search(r"^\s*serve\b", help_text, re.M):
        with open(os.path.join(source, "deploy/base/trainer.yaml")) as f:
            trainer_cfg = yaml.safe_load(f)
        trainer_metrics = free_port()
        trainer_cfg["jobs_dir"] = os.path.join(work, "jobs")
        trainer_cfg["metrics_listen"] = f"127.0.0.1:{trainer_metrics}"
        os.makedirs(os.path.join(work, "jobs", "incoming"))
        trainer_yaml = os.path.join(work, "trainer.yaml")
        with open(trainer_yaml, "w") as f:
            yaml.safe_dump(trainer_cfg, f)
        trainer, _ = start([f"{build}/trainer/bioner-trainer", "serve", "--config", trainer_yaml],
                           "trainer")
        up = wait_for("bioner-trainer metrics", lambda: scrape_types(trainer_metrics), 60)
        check("bioner-trainer serve starts on deploy/base/trainer.yaml", bool(up),
              open(os.path.join(work, "trainer.log")).read()[-2000:])
    else:
        print("NOTE: bioner-trainer has no `serve` command in this build: the trainer's metric "
              "names are checked against the agreed list, not scraped")

    # 2. Prometheus on the project's config, SD swapped for loopback targets.
    with open(os.path.join(source, "deploy/prometheus/prometheus.yml")) as f:
        prom_cfg = yaml.safe_load(f)
    prom_cfg["global"].update({"scrape_interval": "1s", "scrape_timeout": "1s",
                               "evaluation_interval": "1s"})
    rules_dir = os.path.join(work, "rules")
    os.makedirs(rules_dir)
    rule_files = []
    for rel in prom_cfg["rule_files"]:
        with open(os.path.join(source, "deploy/prometheus", rel)) as f:
            rules = yaml.safe_load(f)
        for g in rules["groups"]:
            g["interval"] = "1s"
        out = os.path.join(rules_dir, os.path.basename(rel))
        with open(out, "w") as f:
            yaml.safe_dump(rules, f)
        rule_files.append(out)
    prom_cfg["rule_files"] = rule_files
    # Pod "targets" as Kubernetes SD would hand them to the relabelling: the pod's address
    # with its first container port (the gRPC port for the server), and the pod's annotations
    # and labels as __meta_ labels. The relabelling itself is the project's: it must keep the
    # bioner pods of its job, drop the others, and move the address to the annotated port.
    def pod_target(name, component, port, metrics_port, scrape="true"):
        return {"targets": [f"127.0.0.1:{port}"], "labels": {
            "__meta_kubernetes_namespace": "bioner",
            "__meta_kubernetes_pod_name": name,
            "__meta_kubernetes_pod_node_name": "node-1",
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape": scrape,
            "__meta_kubernetes_pod_annotation_prometheus_io_port": str(metrics_port),
            "__meta_kubernetes_pod_annotation_prometheus_io_path": "/metrics",
            "__meta_kubernetes_pod_label_app_kubernetes_io_part_of": "bioner",
            "__meta_kubernetes_pod_label_app_kubernetes_io_component": component}}

    grpc_port = int(grpc_addr.rsplit(":", 1)[1])
    pods = [pod_target("bioner-server-0", "server", grpc_port, server_metrics),
            # decoys: a pod that did not opt in, and an unrelated pod
            pod_target("bioner-server-optout", "server", grpc_port, server_metrics, scrape="false"),
            {"targets": [f"127.0.0.1:{grpc_port}"], "labels": {
                "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
                "__meta_kubernetes_pod_annotation_prometheus_io_port": str(server_metrics),
                "__meta_kubernetes_pod_name": "someone-else"}}]
    if trainer_metrics:
        pods.append(pod_target("bioner-trainer-0", "trainer", trainer_metrics, trainer_metrics))
    for job in prom_cfg["scrape_configs"]:
        assert "kubernetes_sd_configs" in job, f"job {job['job_name']}: expected Kubernetes SD"
        job.pop("kubernetes_sd_configs")
        job["static_configs"] = pods
    jobs = prom_cfg["scrape_configs"]
    check("prometheus.yml has the jobs bioner-server and bioner-trainer",
          [j["job_name"] for j in prom_cfg["scrape_configs"]] == ["bioner-server", "bioner-trainer"])
    prom_cfg["scrape_configs"] = jobs
    prom_yaml = os.path.join(work, "prometheus.yml")
    with open(prom_yaml, "w") as f:
        yaml.safe_dump(prom_cfg, f)
    rc = subprocess.run(["promtool", "check", "config", prom_yaml], capture_output=True, text=True)
    check("promtool check config", rc.returncode == 0, rc.stdout + rc.stderr)
    prom_port = free_port()
    start(["prometheus", f"--config.file={prom_yaml}", f"--storage.tsdb.path={work}/tsdb",
           f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"], "prometheus")
    prom = Prom(prom_port)
    ready = wait_for("prometheus", lambda: "Ready" in http_get(f"http://127.0.0.1:{prom_port}/-/ready"), 60)
    assert ready, "prometheus did not start: " + open(os.path.join(work, "prometheus.log")).read()

    # 3. Traffic through a Python gRPC client generated from proto/.
    from grpc_tools import protoc
    import grpc
    gen = os.path.join(work, "gen")
    os.makedirs(gen)
    assert protoc.main(["protoc", f"-I{source}/proto", f"--python_out={gen}",
                        f"--grpc_python_out={gen}", "bioner/v1/tagger.proto"]) == 0
    for d in ("bioner", "bioner/v1"):
        open(os.path.join(gen, d, "__init__.py"), "a").close()
    sys.path.insert(0, gen)
    from bioner.v1 import tagger_pb2, tagger_pb2_grpc  # noqa: E402
    stub = tagger_pb2_grpc.TaggerStub(grpc.insecure_channel(grpc_addr))

    def doc(i):
        text = f"BRCA1 mutations and breast cancer in patient {i} treated with tamoxifen."
        return tagger_pb2.Document(id=str(i), passages=[tagger_pb2.Passage(type="abstract", offset=0,
                                                                           text=text.encode())])

    def traffic(n):
        for i in range(n):
            stub.Annotate(tagger_pb2.AnnotateRequest(documents=[doc(i)]), timeout=60)

    traffic(10)
    list(stub.AnnotateStream(iter([tagger_pb2.AnnotateStreamRequest(document=doc(i)) for i in range(3)]),
                             timeout=60))
    stub.ListModels(tagger_pb2.ListModelsRequest(), timeout=30)

    up = wait_for("target up", lambda: prom.value('up{job="bioner-server"}') == 1, 60)
    check("Prometheus scrapes bioner-server: up == 1", bool(up))
    active = prom.api("targets")["activeTargets"]
    seen = sorted((t["labels"]["job"], t["labels"].get("pod"), t["labels"].get("namespace"),
                   t["scrapeUrl"]) for t in active)
    want = [("bioner-server", "bioner-server-0", "bioner", f"http://127.0.0.1:{server_metrics}/metrics")]
    if trainer_metrics:
        want.append(("bioner-trainer", "bioner-trainer-0", "bioner",
                     f"http://127.0.0.1:{trainer_metrics}/metrics"))
    check("the relabelling keeps each job's bioner pod, on its annotated port, labelled "
          "namespace/pod", seen == want, str(seen))
    if trainer_metrics:
        check("Prometheus scrapes bioner-trainer: up == 1",
              bool(wait_for("trainer up", lambda: prom.value('up{job="bioner-trainer"}') == 1, 30)))
    ok_calls = 'sum(bioner_requests_total{method="Annotate",code="OK"})'
    before = wait_for("request counter", lambda: prom.value(ok_calls), 30)
    check("bioner_requests_total counts the calls", before is not None and before >= 10, str(before))
    traffic(15)
    after = wait_for("counter moves", lambda: (v := prom.value(ok_calls)) is not None
                     and v >= (before or 0) + 15 and v, 30)
    check("the request counter moves by the calls made", bool(after), f"{before} -> {after}")
    p99 = wait_for("p99 recording rule", lambda: prom.value(
        'method:bioner_request_duration_seconds:p99_5m{method="Annotate"}'), 30)
    check("recording rule p99 latency has a value", p99 is not None and math.isfinite(p99) and p99 > 0,
          str(p99))

    # Every rule loaded and evaluated without error against the real series.
    wait_for("rule evaluations", lambda: all(r.get("health") != "unknown"
                                             for g in prom.api("rules")["groups"] for r in g["rules"]), 10)
    groups = prom.api("rules")["groups"]
    rules = [r for g in groups for r in g["rules"]]
    n_file_rules = 0
    for rel in ("rules/bioner-recording.yml", "rules/bioner-alerts.yml"):
        with open(os.path.join(source, "deploy/prometheus", rel)) as f:
            n_file_rules += sum(len(g["rules"]) for g in yaml.safe_load(f)["groups"])
    check("Prometheus loaded every rule of the rule files", len(rules) == n_file_rules,
          f"{len(rules)} of {n_file_rules}")
    bad = [(r["name"], r.get("lastError")) for r in rules if r.get("health") != "ok"]
    check("every rule evaluates without error", not bad, str(bad))

    # prometheus-adapter's query for the HPA metric, its template filled in as the adapter does.
    with open(os.path.join(source, "deploy/prometheus/adapter/rules.yaml")) as f:
        adapter = yaml.safe_load(f)["rules"][0]
    with open(os.path.join(source, "deploy/base/server-hpa.yaml")) as f:
        hpa = yaml.safe_load(f)
    check("the HPA scales on the adapter's metric",
          hpa["spec"]["metrics"][0]["pods"]["metric"]["name"] == adapter["name"]["as"])
    q = adapter["metricsQuery"].replace("<<.GroupBy>>", "pod").replace(
        "<<.LabelMatchers>>", 'namespace="bioner",pod=~"bioner-server-0"')
    r = wait_for("adapter query", lambda: prom.query(q), 30)
    check("prometheus-adapter's query yields the HPA metric per pod",
          bool(r) and r[0]["metric"].get("pod") == "bioner-server-0"
          and math.isfinite(float(r[0]["value"][1])), str(r))
    series = prom.api("series", **{"match[]": adapter["seriesQuery"]})
    check("prometheus-adapter's seriesQuery finds the series", len(series) > 0)

    # Hot reload: a new Disease version; then a broken one, refused, and alerted on.
    write_model(repo, "Disease", 2, 42)
    set_current(repo, "Disease", 2)
    info = wait_for("reload", lambda: prom.value('bioner_model_info{entity_type="Disease",version="Disease/2"}'), 30)
    check("a hot reload shows in bioner_model_info", info == 1)
    os.makedirs(f"{repo}/Disease/3")
    with open(f"{repo}/Disease/3/config.json", "w") as f:
        f.write("{ not json")
    set_current(repo, "Disease", 3)
    firing = wait_for("BionerModelReloadFailed", lambda: prom.query(
        'ALERTS{alertname="BionerModelReloadFailed",alertstate="firing",entity_type="Disease"}'), 30)
    check("a refused version fires BionerModelReloadFailed", bool(firing))

    # A training job that fails (its model folder does not exist) fires BionerTrainingJobFailed.
    if trainer_metrics:
        with open(os.path.join(work, "jobs", "incoming", ".broken.yaml"), "w") as f:
            f.write(f"model: {work}/no-such-model\n")
        os.rename(os.path.join(work, "jobs", "incoming", ".broken.yaml"),
                  os.path.join(work, "jobs", "incoming", "broken.yaml"))
        firing = wait_for("BionerTrainingJobFailed", lambda: prom.query(
            'ALERTS{alertname="BionerTrainingJobFailed",alertstate="firing"}'), 60)
        check("a failed training job fires BionerTrainingJobFailed", bool(firing))

    # 4. The dashboard's metrics against what the programs export.
    time.sleep(1)
    server_types = scrape_types(server_metrics)
    trainer_types = scrape_types(trainer_metrics) if trainer_metrics else {t: "" for t in TRAINER_METRICS}
    if trainer_metrics:
        check("the trainer exports the agreed metric names", TRAINER_METRICS <= set(trainer_types),
              str(sorted(TRAINER_METRICS - set(trainer_types))))
    histograms = {k for k, v in {**server_types, **trainer_types}.items() if v == "histogram"}
    with open(os.path.join(source, "deploy/grafana/bioner-dashboard.json")) as f:
        dash = json.load(f)
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    # Template variables: label_values(METRIC, LABEL) queries METRIC.
    exprs += [re.sub(r"label_values\((\w+),\s*\w+\)", r"\1", v["definition"])
              for v in dash["templating"]["list"] if v.get("definition")]
    check("the dashboard has queries", len(exprs) >= 20, str(len(exprs)))
    used = set().union(*(promql_names.metric_names(e) for e in exprs))
    unknown = sorted(n for n in used - SYNTHETIC
                     if promql_names.family(n, histograms) not in server_types
                     and promql_names.family(n, histograms) not in trainer_types)
    check("every metric the dashboard queries is exported", not unknown, str(unknown))
    check("the dashboard shows every server metric",
          not (set(server_types) - {promql_names.family(n, histograms) for n in used}),
          str(sorted(set(server_types) - {promql_names.family(n, histograms) for n in used})))
    bad_q = []
    for e in exprs:
        e2 = e.replace("$__rate_interval", "1m").replace("$namespace", ".*")
        try:
            prom.query(e2)
        except Exception as ex:  # HTTP 400: a PromQL error
            bad_q.append((e, str(ex)[:200]))
    check("every dashboard query parses and runs in Prometheus", not bad_q, str(bad_q[:3]))
except SystemExit as e:
    check("set-up", False, str(e))
except Exception as e:  # a set-up failure is a failure, never a skip
    check("set-up", False, repr(e))
finally:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
    if check.failed:
        for name in ("server", "trainer", "prometheus"):
            path = os.path.join(work, name + ".log")
            if os.path.exists(path):
                print(f"--- {name}.log (tail)\n" + open(path).read()[-3000:])
    shutil.rmtree(work, ignore_errors=True)

check.finish()

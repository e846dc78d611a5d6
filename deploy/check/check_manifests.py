#!/usr/bin/python3
"""The Kubernetes manifests of deploy/, checked offline.

Usage: check_manifests.py SOURCE_DIR TOOLS_DIR WORK_DIR

1. Every overlay renders with `kubectl kustomize` (cpu, gpu, and cpu plus the optional
   ServiceMonitor component).
2. Every rendered resource validates against the Kubernetes OpenAPI schemas, strictly
   (deploy/check/validate-k8s.mjs); a deliberately broken manifest must be refused, so the
   validator is known to bite.
3. What the schemas cannot see: the pieces agree with each other and with the server —
   grace periods against shutdown_grace_s, gRPC probes on the health service, ports
   against server.yaml, selectors against pod labels, the HPA against the adapter rule,
   non-root and read-only root filesystems, resources everywhere, GPUs only in the gpu overlay.
Prints 'N passed, N failed'; exit 1 on any failure.
"""
import os
import re
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402

source, tools, work = (os.path.abspath(a) for a in sys.argv[1:4])
deploy = os.path.join(source, "deploy")
check = checks.Checks()


def kustomize(path):
    r = subprocess.run(["kubectl", "kustomize", path], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def validate(text):
    shutil.copy(os.path.join(deploy, "check/validate-k8s.mjs"), os.path.join(tools, "validate-k8s.mjs"))
    r = subprocess.run(["node", os.path.join(tools, "validate-k8s.mjs")], input=text,
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def by_kind(docs, kind, name):
    for d in docs:
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise KeyError(f"{kind}/{name} not rendered")


def containers(deployment):
    spec = deployment["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def port_of(addr):
    return int(addr.rsplit(":", 1)[1])


def semantic_checks(overlay, docs):
    cms = {d["metadata"]["name"].rsplit("-", 1)[0]: d for d in docs if d["kind"] == "ConfigMap"}
    server_cfg = yaml.safe_load(cms["bioner-server-config"]["data"]["server.yaml"])
    trainer_cfg = yaml.safe_load(cms["bioner-trainer-config"]["data"]["trainer.yaml"])
    server = by_kind(docs, "Deployment", "bioner-server")
    trainer = by_kind(docs, "Deployment", "bioner-trainer")
    pod = server["spec"]["template"]["spec"]
    c = pod["containers"][0]
    t = f"[{overlay}]"

    # Drain: (a preStop sleep, if any) + shutdown_delay_s, during which the server answers
    # NOT_SERVING but still serves, + shutdown_grace_s (+ margin) within the grace period.
    pre = c.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [""])
    sleep_s = int(pre[-1]) if "sleep" in pre[0] else 0
    delay_s = server_cfg.get("shutdown_delay_s", 0)
    grace = pod["terminationGracePeriodSeconds"]
    check(f"{t} server grace period covers preStop + shutdown_delay_s + shutdown_grace_s + 5 s",
          grace >= sleep_s + delay_s + server_cfg["shutdown_grace_s"] + 5,
          f"{grace} < {sleep_s} + {delay_s} + {server_cfg['shutdown_grace_s']} + 5")
    check(f"{t} the pod keeps serving while endpoints drop it (preStop or shutdown_delay_s >= 3 s)",
          sleep_s + delay_s >= 3)
    tpod = trainer["spec"]["template"]["spec"]
    check(f"{t} trainer grace period exceeds stop_grace_s",
          tpod["terminationGracePeriodSeconds"] > trainer_cfg["stop_grace_s"])

    # Probes: native gRPC on the health service; startup allows for model loading.
    grpc_port = port_of(server_cfg["listen"])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        p = c.get(probe, {})
        check(f"{t} {probe} is a gRPC probe on the server port", p.get("grpc", {}).get("port") == grpc_port,
              str(p))
    sp = c["startupProbe"]
    check(f"{t} startup probe allows >= 2 min for loading models",
          sp.get("periodSeconds", 10) * sp.get("failureThreshold", 3) >= 120)
    check(f"{t} readiness asks for the Tagger service",
          c["readinessProbe"]["grpc"].get("service") == "bioner.v1.Tagger")

    # Ports and scraping agree with server.yaml / trainer.yaml.
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    check(f"{t} container ports match server.yaml",
          ports == {"grpc": grpc_port, "metrics": port_of(server_cfg["metrics_listen"])}, str(ports))
    ann = server["spec"]["template"]["metadata"]["annotations"]
    check(f"{t} server scrape annotations name the metrics port",
          ann.get("prometheus.io/scrape") == "true"
          and int(ann["prometheus.io/port"]) == port_of(server_cfg["metrics_listen"]))
    tann = trainer["spec"]["template"]["metadata"]["annotations"]
    tports = {p["name"]: p["containerPort"] for p in tpod["containers"][0]["ports"]}
    check(f"{t} trainer scrape annotation and port match trainer.yaml",
          int(tann["prometheus.io/port"]) == port_of(trainer_cfg["metrics_listen"]) == tports["metrics"])

    # Load balancing: headless Service + connection age.
    labels = server["spec"]["template"]["metadata"]["labels"]
    headless = by_kind(docs, "Service", "bioner-server-headless")
    regular = by_kind(docs, "Service", "bioner-server")
    check(f"{t} headless Service has no cluster IP", headless["spec"].get("clusterIP") == "None")
    for svc in (headless, regular):
        sel = svc["spec"]["selector"]
        check(f"{t} Service {svc['metadata']['name']} selects the server pods",
              all(labels.get(k) == v for k, v in sel.items()))
        check(f"{t} Service {svc['metadata']['name']} targets named container ports",
              all(p["targetPort"] in ports for p in svc["spec"]["ports"]))
    check(f"{t} max_connection_age_s is set so connections rebalance",
          0 < server_cfg["limits"]["max_connection_age_s"] <= 3600)
    tsvc = by_kind(docs, "Service", "bioner-trainer")
    check(f"{t} trainer Service selects the trainer pod",
          all(trainer["spec"]["template"]["metadata"]["labels"].get(k) == v
              for k, v in tsvc["spec"]["selector"].items()))

    # PDB, HPA, PVCs.
    pdb = by_kind(docs, "PodDisruptionBudget", "bioner-server")
    check(f"{t} PodDisruptionBudget selects the server pods",
          all(labels.get(k) == v for k, v in pdb["spec"]["selector"]["matchLabels"].items()))
    hpa = by_kind(docs, "HorizontalPodAutoscaler", "bioner-server")
    with open(os.path.join(deploy, "prometheus/adapter/rules.yaml")) as f:
        adapter_name = yaml.safe_load(f)["rules"][0]["name"]["as"]
    check(f"{t} HPA scales the server Deployment on the adapter's metric",
          hpa["spec"]["scaleTargetRef"]["name"] == "bioner-server"
          and hpa["spec"]["metrics"][0]["pods"]["metric"]["name"] == adapter_name)
    check(f"{t} HPA keeps at least 2 replicas (PDB maxUnavailable 1)", hpa["spec"]["minReplicas"] >= 2)
    pvcs = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    claims = {v["persistentVolumeClaim"]["claimName"] for dep in (server, trainer)
              for v in dep["spec"]["template"]["spec"]["volumes"] if "persistentVolumeClaim" in v}
    check(f"{t} every claimed volume is a rendered PVC", claims <= pvcs, str(claims - pvcs))
    models_pvc = by_kind(docs, "PersistentVolumeClaim", "bioner-models")
    check(f"{t} the model repository is ReadWriteMany (one writer, many readers)",
          models_pvc["spec"]["accessModes"] == ["ReadWriteMany"])
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    check(f"{t} servers mount the repository read-only at models.repository",
          mounts["models"]["mountPath"] == server_cfg["models"]["repository"] and mounts["models"]["readOnly"])
    check(f"{t} the trainer serves its jobs folder from a volume",
          any(trainer_cfg["jobs_dir"].startswith(m["mountPath"] + "/")
              for m in tpod["containers"][0]["volumeMounts"]))

    # Security and resources, every container of both Deployments.
    for dep in (server, trainer):
        psc = dep["spec"]["template"]["spec"]["securityContext"]
        check(f"{t} {dep['metadata']['name']} runs as non-root",
              psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0)
        for ct in containers(dep):
            sc = ct.get("securityContext", {})
            n = f"{dep['metadata']['name']}/{ct['name']}"
            check(f"{t} {n}: read-only root, no privilege escalation",
                  sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False)
            r = ct.get("resources", {})
            check(f"{t} {n}: cpu and memory requests and limits",
                  all(k in r.get(w, {}) for w in ("requests", "limits") for k in ("cpu", "memory")))
    limit_cpu = c["resources"]["limits"]["cpu"]
    # torch's and OpenBLAS's pools contend when both have several threads (docs/BENCHMARKS.md,
    # "Threads"): one torch thread, and no more BLAS threads than the pod has CPUs.
    blas = server_cfg.get("blas_threads", 1)
    check(f"{t} server threads 1, blas_threads <= its CPU limit",
          str(server_cfg["threads"]) == "1" and int(blas) <= float(limit_cpu),
          f"threads {server_cfg['threads']}, blas_threads {blas}, cpu {limit_cpu}")

    # GPUs: requested by the gpu overlay only, and the config then says cuda.
    gpus = [ct["resources"]["limits"].get("nvidia.com/gpu") for dep in (server, trainer)
            for ct in dep["spec"]["template"]["spec"]["containers"]]
    if overlay == "gpu":
        check(f"{t} server and trainer each get one nvidia.com/gpu", gpus == ["1", "1"], str(gpus))
        check(f"{t} server.yaml uses the GPU", str(server_cfg["device"]).startswith("cuda"))
        check(f"{t} GPU pods tolerate the GPU taint", any(
            tol.get("key") == "nvidia.com/gpu" for tol in pod.get("tolerations", [])))
    else:
        check(f"{t} no GPU requested", gpus == [None, None], str(gpus))
        check(f"{t} server.yaml uses the CPU", server_cfg["device"] == "cpu")
    images = {ct["image"] for dep in (server, trainer) for ct in containers(dep)}
    check(f"{t} one image for every container, tagged", len(images) == 1 and ":" in images.pop())


# CTest's SKIP_RETURN_CODE for this test (tests/deploy/CMakeLists.txt): the checks cannot run
# here, which is not a failure of the manifests.
SKIP = 77


def main():
    # kubectl is not a Debian 12 package recent enough (kubernetes-client 1.20 has Kustomize v2),
    # so a fresh machine lacks it: skip, saying what to install, rather than fail.
    why = None
    if shutil.which("kubectl") is None:
        why = "kubectl not found"
    else:
        r = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True)
        m = re.search(r"Kustomize Version: v(\d+)", r.stdout)
        if not m or int(m.group(1)) < 4:
            why = f"kubectl found ({r.stdout.strip() or r.stderr.strip()}) but its Kustomize is older than v4"
    if why:
        print(f"SKIPPED: {why}. Install kubectl >= 1.21 (its Kustomize >= v4 renders deploy/), "
              "e.g. from the Kubernetes release binaries, and rerun `ctest -L deploy`.")
        sys.exit(SKIP)
    os.makedirs(work, exist_ok=True)
    # The optional component, added to the cpu overlay as docs/DEPLOY.md says.
    combo = os.path.join(work, "cpu-servicemonitor")
    os.makedirs(combo, exist_ok=True)
    with open(os.path.join(combo, "kustomization.yaml"), "w") as f:
        f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources: [{os.path.relpath(os.path.join(deploy, 'overlays/cpu'), combo)}]\n"
                f"components: [{os.path.relpath(os.path.join(deploy, 'optional/servicemonitor'), combo)}]\n")
    rendered = {}
    for name, path in (("cpu", os.path.join(deploy, "overlays/cpu")),
                       ("gpu", os.path.join(deploy, "overlays/gpu")), ("cpu+servicemonitor", combo)):
        rc, out, err = kustomize(path)
        check(f"kubectl kustomize {name} renders", rc == 0 and out.strip(), err)
        if rc != 0:
            continue
        with open(os.path.join(work, f"{name}.yaml"), "w") as f:
            f.write(out)
        rc, report = validate(out)
        check(f"{name}: every resource validates against the OpenAPI schemas", rc == 0, report)
        print("  " + report.strip().splitlines()[-1])
        rendered[name] = [d for d in yaml.safe_load_all(out) if d]
    if "cpu+servicemonitor" in rendered:
        kinds = {d["kind"] for d in rendered["cpu+servicemonitor"]}
        check("the component adds a ServiceMonitor", "ServiceMonitor" in kinds)
    for name in ("cpu", "gpu"):
        if name in rendered:
            semantic_checks(name, rendered[name])

    # The validator bites: a misspelt field, a string for an integer, a missing claimName.
    if "cpu" in rendered:
        text = open(os.path.join(work, "cpu.yaml")).read()
        for desc, a, b in (("a misspelt field", "periodSeconds: 10", "periodSecond: 10"),
                           ("a wrong type", "replicas: 1", "replicas: one"),
                           ("a bad quantity", "averageValue: 50m", "averageValue: fifty")):
            assert a in text, a
            rc, report = validate(text.replace(a, b, 1))
            check(f"the validator refuses {desc}", rc == 1, report)

    # gpu/server.yaml is base/server.yaml with other values, never other keys.
    def keys(d, prefix=""):
        return {prefix + k for k in d} | {x for k, v in d.items() if isinstance(v, dict)
                                           for x in keys(v, prefix + k + ".")}
    with open(os.path.join(deploy, "base/server.yaml")) as f:
        base = yaml.safe_load(f)
    with open(os.path.join(deploy, "overlays/gpu/server.yaml")) as f:
        gpu = yaml.safe_load(f)
    check("gpu server.yaml has the keys of base server.yaml", keys(base) == keys(gpu),
          str(keys(base) ^ keys(gpu)))


try:
    main()
except Exception as e:  # a set-up failure is a failure
    check("set-up", False, repr(e))
check.finish()

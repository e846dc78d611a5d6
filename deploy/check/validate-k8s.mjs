// Validates rendered Kubernetes manifests (multi-document YAML on stdin or in files) offline,
// against schemas generated from the Kubernetes OpenAPI spec, in two passes per resource:
//   1. kubernetes-models (its validators are compiled from the OpenAPI schemas): types,
//      required fields, enums, int-or-string, quantities; the Prometheus Operator's CRD
//      schemas for ServiceMonitor.
//   2. strict field names (what `kubeconform -strict` or the API server's
//      `fieldValidation=Strict` refuse): every key must be a field of its OpenAPI type, taken
//      from @kubernetes/client-node's generated models (OpenAPI release-1.36). Pass 1 alone
//      accepts a misspelt field silently.
// Usage: node validate-k8s.mjs [FILE...]   (no FILE: stdin). Exit 0 when every document is
// valid, 1 with one line per problem, 2 when no document was found.
// ES modules resolve packages from the file's own folder up (never NODE_PATH), so the checks copy
// this file into the tools folder (build/tools, beside node_modules) and run it there.
import { readFileSync } from "node:fs";
// Only the generated model classes: the package index also loads its HTTP client, which needs
// a newer Node than Debian's.
import * as k8s from "@kubernetes/client-node/dist/gen/models/all.js";
import { parseAllDocuments } from "yaml";

// apiVersion -> module folder of the model classes.
function modelModule(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

// "apps/v1" + "Deployment" -> "V1Deployment"; "autoscaling/v2" + "HorizontalPodAutoscaler"
// -> "V2HorizontalPodAutoscaler" (the client-node class names).
function clientNodeClass(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  return k8s[version.charAt(0).toUpperCase() + version.slice(1) + kind];
}

// Returns the unknown-field problems of `value` against the client-node type `type`.
function strictProblems(value, type, path) {
  if (value === null || value === undefined) return [];
  let m = /^Array<(.+)>$/.exec(type);
  if (m) {
    if (!Array.isArray(value)) return [];  // pass 1 reports the type
    return value.flatMap((v, i) => strictProblems(v, m[1], `${path}[${i}]`));
  }
  m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (m) {
    if (typeof value !== "object") return [];
    return Object.entries(value).flatMap(([k, v]) => strictProblems(v, m[1], `${path}.${k}`));
  }
  const cls = k8s[type];
  if (!cls || typeof cls.getAttributeTypeMap !== "function") return [];  // string, IntOrString...
  if (typeof value !== "object" || Array.isArray(value)) return [];
  const fields = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  const problems = [];
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) {
      problems.push(`${path}.${key}: unknown field (not in ${type})`);
    } else {
      problems.push(...strictProblems(v, fields.get(key), `${path}.${key}`));
    }
  }
  return problems;
}

async function validate(doc, where) {
  const problems = [];
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [`${where}: no apiVersion/kind`];
  }
  const name = `${kind}/${doc.metadata?.name ?? "?"}`;
  let Model;
  try {
    Model = (await import(modelModule(apiVersion, kind)))[kind];
  } catch (e) {
    return [`${where} ${name}: no schema for ${apiVersion} ${kind}`];
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${where} ${name}: ${e.message}`);
  }
  const cls = clientNodeClass(apiVersion, kind);
  if (cls) {
    problems.push(...strictProblems(doc, cls.name, "").map((p) => `${where} ${name}: ${p.slice(1)}`));
  } else if (!apiVersion.startsWith("monitoring.coreos.com/")) {
    problems.push(`${where} ${name}: no OpenAPI field list for ${apiVersion} ${kind}`);
  }
  return problems;
}

const inputs = process.argv.length > 2
  ? process.argv.slice(2).map((f) => [f, readFileSync(f, "utf8")])
  : [["<stdin>", readFileSync(0, "utf8")]];
let count = 0;
const problems = [];
for (const [file, text] of inputs) {
  const docs = parseAllDocuments(text);
  for (const [i, d] of docs.entries()) {
    if (d.errors.length) {
      problems.push(`${file} document ${i + 1}: YAML: ${d.errors[0].message}`);
      continue;
    }
    const obj = d.toJS();
    if (obj === null) continue;
    ++count;
    problems.push(...(await validate(obj, `${file}#${i + 1}`)));
  }
}
for (const p of problems) console.log(p);
if (count === 0) {
  console.log("no Kubernetes resource in the input");
  process.exit(2);
}
console.log(`${count} resources, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);

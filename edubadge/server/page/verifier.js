// The verifier page: send what was pasted or dropped to POST /verify, show the answer.
// Everything from the credential is shown with textContent, never as HTML.
"use strict";

const CHECK_NAMES = {
  "parse": "The credential can be read",
  "envelope": "The JWT signature holds",
  "context": "Its vocabulary is known",
  "data-model": "It is a well-formed credential",
  "proof": "The issuer's signature holds",
  "issuer-key": "The key belongs to the issuer",
  "validity": "It is valid today",
  "status": "It has not been revoked or suspended",
  "components": "Its components are genuine",
  "stack-rule": "Its components add up to the certificate",
  "jades-signature": "The eSeal signature holds",
  "jades-certificate": "The eSeal certificate is trusted",
  "jades-signing-time": "The eSeal time is plausible",
};
const MARKS = { passed: "\u2713", failed: "\u2717", skipped: "\u2013" };
const OUTCOME_WORDS = { passed: "passed", failed: "failed", skipped: "not checked" };

const $ = (id) => document.getElementById(id);
let droppedFile = null;

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function upload(file) {
  return { file: toBase64(await file.arrayBuffer()) };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function fact(list, name, value) {
  if (value === undefined || value === null || value === "") return;
  list.append(element("dt", null, name), element("dd", null, value));
}

function checkItem(outcome, name, reasons, warnings) {
  const item = element("li", outcome);
  const mark = element("span", "mark", MARKS[outcome] || "?");
  mark.setAttribute("aria-hidden", "true");
  const body = element("div");
  const title = element("span", "check-name", name);
  const hidden = element("span", "visually-hidden", ` (${OUTCOME_WORDS[outcome] || outcome})`);
  body.append(title, hidden);
  for (const reason of reasons) body.append(element("div", "reason", reason));
  for (const warning of warnings || []) body.append(element("div", "warning", `Note: ${warning}`));
  item.append(mark, body);
  item.dataset.outcome = outcome;
  return item;
}

function describeLearner(learner) {
  if (!learner) return null;
  const parts = [];
  if (learner.name) parts.push(learner.name);
  if (learner.id) parts.push(learner.id);
  const hidden = (learner.hashedIdentities || []).map((kind) =>
    kind.replace(/^ext:/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()
  );
  if (hidden.length) parts.push(`known by ${hidden.join(", ")} (hashed, not shown)`);
  return parts.join(", ") || null;
}

function describeIssuer(issuer) {
  if (!issuer) return null;
  const parts = [issuer.name, issuer.country ? `(${issuer.country})` : null, issuer.id];
  return parts.filter(Boolean).join(" ");
}

function show(answer, imageUrl) {
  const { result, summary } = answer;
  const verdict = $("verdict");
  verdict.textContent = result.verified
    ? "\u2713 Genuine: this credential verified"
    : "\u2717 Not verified: do not trust this credential";
  verdict.className = result.verified ? "good" : "bad";
  verdict.dataset.verified = String(result.verified);

  const facts = $("facts");
  facts.replaceChildren();
  fact(facts, "What", summary.title);
  fact(facts, "Issued by", describeIssuer(summary.issuer));
  fact(facts, "Issued to", describeLearner(summary.learner));
  if (summary.achievementType === "MicroCredential") fact(facts, "Kind", "EU micro-credential");
  fact(facts, "Credits", summary.ects !== undefined ? `${summary.ects} ECTS` : null);
  fact(facts, "Level", summary.eqfLevel ? `EQF level ${summary.eqfLevel}` : null);
  fact(facts, "About", summary.description);
  fact(facts, "Valid from", summary.validFrom);
  fact(facts, "Valid until", summary.validUntil);

  const image = $("badge-image");
  const source = imageUrl || summary.image;
  image.hidden = !source;
  if (source) {
    image.src = source;
    image.alt = summary.title ? `Badge: ${summary.title}` : "Badge image";
  }

  const outcomes = $("outcomes");
  outcomes.replaceChildren(...(summary.learningOutcomes || []).map((o) => element("li", null, o)));
  $("outcomes-section").hidden = !outcomes.children.length;

  const checks = $("checks");
  checks.replaceChildren();
  for (const check of result.checks) {
    const reasons = (check.problems || []).map((p) => p.detail);
    if (!reasons.length && check.detail) reasons.push(check.detail);
    const item = checkItem(check.outcome, CHECK_NAMES[check.id] || check.id, reasons, check.warnings);
    item.dataset.check = check.id;
    checks.append(item);
  }

  const components = $("components");
  components.replaceChildren();
  for (const component of result.components || []) {
    const reasons = (component.reasons || []).map((r) => `${r.reason}: ${r.detail}`);
    const outcome = component.outcome === "verified" ? "passed" : "failed";
    const name = component.name || component.id || component.where;
    components.append(checkItem(outcome, name, reasons, []));
  }
  const rule = $("rule");
  rule.replaceChildren(
    ...(result.rule || []).map((c) => checkItem(c.passed ? "passed" : "failed", c.clause, [c.detail], []))
  );
  $("components-section").hidden = !components.children.length && !rule.children.length;

  const section = $("result");
  section.hidden = false;
  section.setAttribute("aria-busy", "false");
  verdict.focus();
}

function showError(message) {
  const verdict = $("verdict");
  verdict.textContent = `Could not check it: ${message}`;
  verdict.className = "bad";
  for (const id of ["facts", "checks", "outcomes", "components", "rule"]) $(id).replaceChildren();
  $("badge-image").hidden = true;
  $("result").hidden = false;
  verdict.focus();
}

async function check(event) {
  event.preventDefault();
  const text = $("credential-text").value.trim();
  const file = droppedFile || $("credential-file").files[0];
  if (!text && !file) {
    showError("paste a credential or choose a badge image first.");
    return;
  }
  $("result").setAttribute("aria-busy", "true");
  const button = $("check-button");
  button.disabled = true;
  try {
    const credential = text ? { text } : await upload(file);
    const components = await Promise.all([...$("component-files").files].map(upload));
    const response = await fetch("/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ credential, components }),
    });
    const answer = await response.json();
    if (!response.ok) {
      showError(answer.detail || `the service answered ${response.status}`);
      return;
    }
    const isImage = !text && file && (/\.(png|svg)$/i.test(file.name) || /^image\//.test(file.type));
    show(answer, isImage ? URL.createObjectURL(file) : null);
  } catch (error) {
    showError("the service could not be reached.");
  } finally {
    button.disabled = false;
  }
}

function chooseFile(file) {
  droppedFile = file;
  $("file-name").textContent = file ? `Chosen: ${file.name}` : "";
  if (file) $("credential-text").value = "";
}

document.addEventListener("DOMContentLoaded", () => {
  const zone = $("drop-zone");
  const form = $("check-form");
  form.addEventListener("submit", check);
  form.addEventListener("reset", () => {
    chooseFile(null);
    $("result").hidden = true;
  });
  $("credential-file").addEventListener("change", (e) => chooseFile(e.target.files[0] || null));
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (e) => {
      e.preventDefault();
      zone.classList.add("dragging");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    zone.addEventListener(name, () => zone.classList.remove("dragging"));
  }
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) {
      chooseFile(file);
      form.requestSubmit();
    }
  });
});

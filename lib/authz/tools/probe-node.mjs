#!/usr/bin/env node
// `npm run authz:probe -- --users lib/demo/users.ts#demoUsers [--url http://host:port]
// [--mint lib/x.ts#mint | --sign-in lib/x.ts#signIn] [--credentials lib/x.ts#credentials]`: calls
// every entry point the report lists on a running server, anonymously and as each user (sessions
// made as the app makes them), and every guarded route with a bearer token and an API key (made by
// the app's `--credentials` hook), and compares each answer with what the declared policies say.
// Exit 1 on any mismatch, 2 when it cannot run.
// @see docs/entry-points.md#what-the-probe-calls
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  CannotRun,
  collectEntries,
  isUnguarded,
  KIT_DIR,
  loadTypeScript,
  samplePath,
  acceptedKinds,
} from "./entries-node.mjs";
import { importProjectModule } from "./import-ts-node.mjs";

const PLACEHOLDER = "authz-probe";

function parseArgs(argv) {
  const args = {
    dir: process.cwd(),
    dist: ".next",
    url: null,
    users: null,
    mint: null,
    signIn: null,
    credentials: null,
    secretEnv: null,
    clientIp: null,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new CannotRun(`${a} needs a value`);
      return v;
    };
    if (a === "--dir") args.dir = path.resolve(next());
    else if (a === "--dist") args.dist = next();
    else if (a === "--url") args.url = next().replace(/\/+$/, "");
    else if (a === "--users") args.users = next();
    else if (a === "--mint") args.mint = next();
    else if (a === "--sign-in") args.signIn = next();
    else if (a === "--credentials") args.credentials = next();
    else if (a === "--secret-env") args.secretEnv = next();
    else if (a === "--client-ip") args.clientIp = next();
    else if (a === "--json") args.json = true;
    else throw new CannotRun(`unknown option ${a}`);
  }
  if (!args.users)
    throw new CannotRun(
      "--users <module>#<export> is required (the users to probe as, with their session claims)",
    );
  if (args.mint && args.signIn) throw new CannotRun("give --mint or --sign-in, not both");
  return args;
}

/** The users to probe as: `{ sub | id, role, ... }` items of an array or a record. */
export async function loadUsers(ts, projectDir, spec) {
  const [file, exportName = "default"] = spec.split("#");
  const mod = await importProjectModule(ts, projectDir, file).catch((error) => {
    throw new CannotRun(`cannot import ${file}: ${error.message}`);
  });
  const value = mod[exportName];
  if (!value || typeof value !== "object")
    throw new CannotRun(`${file} has no export ${exportName} with users`);
  const items = Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value);
  return items.map(([key, u]) => {
    const raw = u.sub ?? u.id;
    // A numeric id (saas-starter's users.id) is the subject its decimal string, as sources map it.
    const sub = Number.isSafeInteger(raw) ? String(raw) : raw;
    if (typeof sub !== "string" || sub === "")
      throw new CannotRun(`a user in ${spec} has neither sub nor id`);
    // The claims a session carries: the user's fields, with `sub` for `id`; never a password.
    const claims = Object.fromEntries(
      Object.entries(u).filter(([k]) => k !== "id" && k !== "password"),
    );
    return { label: String(u.name ?? key ?? u.email ?? sub), claims: { ...claims, sub }, user: u };
  });
}

/** An export of a project module that must be a function (`--mint`, `--sign-in`, `--credentials`). */
async function loadFunction(ts, projectDir, spec, option) {
  const [file, exportName = "default"] = spec.split("#");
  const mod = await importProjectModule(ts, projectDir, file).catch((error) => {
    throw new CannotRun(`cannot import ${file} (${option}): ${error.message}`);
  });
  if (typeof mod[exportName] !== "function")
    throw new CannotRun(`${option} ${spec}: ${file} has no function export ${exportName}`);
  return mod[exportName];
}

/**
 * Each user's \`Cookie\` header, made the way the app makes sessions: \`--mint\` calls the app's
 * \`mint(claims, { secret })\`, \`--sign-in\` its \`signIn({ baseUrl, user })\` against the running
 * server; neither: an Auth.js / NextAuth cookie from the kit's testing.ts. A user who gets no
 * cookie stops the probe (2): probing them as anonymous would prove nothing.
 */
export async function sessionCookies(ts, projectDir, args, users, { secret, baseUrl }) {
  // Each user as just signed in: auth_time now, as a sign-in writes it, so a policy's fresh
  // sign-in rule (`fresh: "10m"`) sees a recent sign-in and the table's outcome is the one probed.
  const signedInAt = Math.floor(Date.now() / 1000);
  const claimsOf = (u) => ({ ...u.claims, auth_time: signedInAt });
  let make;
  if (args.mint) {
    const mint = await loadFunction(ts, projectDir, args.mint, "--mint");
    make = (u) => mint(claimsOf(u), { secret });
  } else if (args.signIn) {
    const signIn = await loadFunction(ts, projectDir, args.signIn, "--sign-in");
    make = (u) => signIn({ baseUrl, user: u.user });
  } else {
    const testing = await importProjectModule(
      ts,
      projectDir,
      path.relative(projectDir, path.join(KIT_DIR, "testing.ts")),
    );
    make = (u) => testing.sessionCookie(claimsOf(u), { secret });
  }
  const how = args.mint ? `--mint ${args.mint}` : args.signIn ? `--sign-in ${args.signIn}` : "";
  const cookies = new Map();
  for (const u of users) {
    let cookie;
    try {
      cookie = await make(u);
    } catch (error) {
      throw new CannotRun(
        `no session for ${u.label}${how ? ` from ${how}` : ""}: ${error.message}`,
      );
    }
    if (typeof cookie !== "string" || !/^[^=;\s]+=[^;]/.test(cookie))
      throw new CannotRun(
        `no session for ${u.label}${how ? ` from ${how}` : ""}: expected a Cookie header ("name=value"), got ${cookie === null ? "null" : typeof cookie}`,
      );
    cookies.set(u.label, cookie);
  }
  return cookies;
}

/** The credential kinds of programs the probe calls routes with, in its column order. */
export const PROGRAM_KINDS = ["bearer", "api_key"];

/**
 * The app's credentials hook (`--credentials <module>#<export>`): an async function returning
 * `{ env?, mint, close? }`. `env` is passed to the server the probe starts (an issuer's URLs, a
 * key to seed; with `--url` the running server must already trust them); `mint({ kind, user,
 * claims, scopes })` returns the request headers of a credential of `kind` ("bearer" or "api_key")
 * for that user, or null when the user has none; `close()` runs when the probe ends.
 */
export async function loadCredentialsHook(ts, projectDir, spec) {
  const make = await loadFunction(ts, projectDir, spec, "--credentials");
  let hook;
  try {
    hook = await make();
  } catch (error) {
    throw new CannotRun(`--credentials ${spec} failed: ${error.message}`);
  }
  if (!hook || typeof hook.mint !== "function")
    throw new CannotRun(`--credentials ${spec} must return { mint(request), env?, close? }`);
  const env = hook.env ?? {};
  if (typeof env !== "object" || Object.values(env).some((v) => typeof v !== "string"))
    throw new CannotRun(`--credentials ${spec}: env must be a record of strings`);
  return {
    env,
    mint: (request) => hook.mint(request),
    close: async () => {
      try {
        await hook.close?.();
      } catch {
        // the probe's answer stands; the hook's own cleanup is not its concern
      }
    },
  };
}

/**
 * One credential of each program kind: the first user (in the users' order) the hook mints one
 * for, with every scope a policy asks (so a scope check never hides whether the kind is taken) and
 * a sign-in of now (so a fresh rule sees a recent one). A kind no user gets is not probed.
 */
export async function programCredentials(hook, users, scopes, spec) {
  const signedInAt = Math.floor(Date.now() / 1000);
  const found = [];
  for (const kind of PROGRAM_KINDS) {
    for (const u of users) {
      let headers;
      try {
        headers = await hook.mint({
          kind,
          user: u.user,
          claims: { ...u.claims, auth_time: signedInAt },
          scopes: [...scopes],
        });
      } catch (error) {
        throw new CannotRun(`no ${kind} credential for ${u.label} from ${spec}: ${error.message}`);
      }
      if (headers === null || headers === undefined) continue;
      const values = typeof headers === "object" ? Object.entries(headers) : [];
      if (values.length === 0 || values.some(([, v]) => typeof v !== "string" || v === ""))
        throw new CannotRun(
          `no ${kind} credential for ${u.label} from ${spec}: expected request headers ({ authorization: "Bearer …" }), got ${JSON.stringify(headers)}`,
        );
      found.push({ label: `${kind} (${u.label})`, kind, user: u.label, headers });
      break;
    }
  }
  return found;
}

/** The credential kind a `WWW-Authenticate` challenge asks for: its scheme, as the kit writes it. */
export function challengeKind(header) {
  const scheme = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/.exec(header ?? "")?.[1]?.toLowerCase();
  if (!scheme) return null;
  return scheme === "bearer" ? "bearer" : scheme === "apikey" ? "api_key" : "session";
}

/**
 * What the declaration says for a program's credential of `kind` on a route: "accepted" when
 * every layer takes the kind, else "not accepted (<kinds>)": 401 credential_not_accepted, with the
 * challenge of one of the kinds the refusing layer takes. A policy that needs no subject ignores a
 * credential it does not take (the caller is anonymous there).
 */
export function expectedForCredential(entry, kind) {
  const layers = [...(entry.middlewareRules ?? []).map((r) => r.policyValue), entry.policyValue];
  for (const policy of layers) {
    if (!policy?.requiresSubject) continue;
    const accepts = acceptedKinds({ kind: entry.kind, policy: policy.name, policyValue: policy });
    if (!accepts.includes(kind)) return `not accepted (${accepts.join(", ")})`;
  }
  return "accepted";
}

/** Whether a program's answer is what {@link expectedForCredential} says. */
export function matchesCredential(expected, { status, code, challenge }) {
  if (expected === "accepted") return status !== 400 && status !== 401 && status < 500;
  const kinds = /^not accepted \((.*)\)$/.exec(expected)?.[1]?.split(", ") ?? [];
  return (
    status === 401 && code === "credential_not_accepted" && kinds.includes(challengeKind(challenge))
  );
}

/** Every policy value the entries point at, imported from where it is declared. */
export async function loadPolicies(ts, projectDir, entries) {
  const cache = new Map();
  const resolve = async (ref) => {
    if (!ref) return null;
    const key = `${ref.file}#${ref.path.join(".")}`;
    if (!cache.has(key)) {
      cache.set(
        key,
        (async () => {
          const mod = await importProjectModule(ts, projectDir, ref.file);
          let value = mod;
          for (const part of ref.path) value = value?.[part];
          if (!value || typeof value.checkSubject !== "function")
            throw new CannotRun(`${key} is not a policy made by access.policy()`);
          return value;
        })(),
      );
    }
    return cache.get(key);
  };
  for (const e of entries) {
    e.policyValue = await resolve(e.policyRef);
    for (const r of e.middlewareRules ?? []) r.policyValue = await resolve(r.policyRef);
  }
}

/**
 * What the declaration says for one caller: "401", "403", "allowed", "org" (an org rule decides by
 * the caller's memberships in the URL's org: 200, 403 or 404), "refused" or "unknown".
 */
export function expectedFor(entry, claims, clientIp) {
  const layers = [...(entry.middlewareRules ?? []).map((r) => r.policyValue), entry.policyValue];
  for (const policy of layers) {
    if (!policy) continue;
    if (policy.rules.ip) {
      const refused = policy.checkAddress(clientIp);
      if (refused) return String(refused.status);
    }
    const subject = claims ? policy.access.parseSubject(claims) : null;
    const refused = policy.checkSubject(subject);
    if (refused) return String(refused.status);
  }
  if (isUnguarded(entry)) return claims ? "unknown" : "refused";
  if (entry.policy && !entry.policyValue) return "unknown";
  // Public: the kit promises nothing about the answer (a refusal page may answer 403), only that
  // it is not a crash.
  if (!entry.policy) return "public";
  return layers.some((policy) => policy?.org) ? "org" : "allowed";
}

/** Reads what a caller got: "401", "signin", "403", "404", "200", "500", ... */
function observedOf(response, body, kind) {
  const status = response.status;
  const location =
    response.headers.get("location") ?? response.headers.get("x-action-redirect") ?? "";
  if (status >= 300 && status < 400)
    return /callbackUrl=|signin|login/i.test(location) ? "signin" : `redirect ${status}`;
  if (kind === "rsc" && status === 200) {
    // A refusal inside a client navigation travels in the payload, not in the status.
    if (/NEXT_REDIRECT/.test(body))
      return /callbackUrl|signin|login/i.test(body) ? "signin" : "redirect";
    if (/NEXT_HTTP_ERROR_FALLBACK;403/.test(body)) return "403";
    if (/NEXT_HTTP_ERROR_FALLBACK;401/.test(body)) return "401";
    if (/NEXT_HTTP_ERROR_FALLBACK;404|NEXT_NOT_FOUND/.test(body)) return "404";
  }
  if (kind === "action" && status === 200) {
    if (response.headers.get("x-action-redirect")) {
      const target = response.headers.get("x-action-redirect");
      return /callbackUrl=|signin|login/i.test(target) ? "signin" : "ran";
    }
    for (const line of body.split("\n")) {
      const json = line.slice(line.indexOf(":") + 1);
      if (!json.startsWith("{") || !json.includes('"ok":false')) continue;
      try {
        const value = JSON.parse(json);
        if (value && value.ok === false && typeof value.status === "number")
          return String(value.status);
      } catch {
        // not the action's result
      }
    }
    return "ran";
  }
  return String(status);
}

/** Whether an observation is what the declaration expects. */
export function matches(expected, observed) {
  const refusal = ["401", "signin", "403", "404"];
  if (expected === "unknown") return true;
  if (observed === "500" || /^5\d\d$/.test(observed)) return false;
  if (expected === "401") return observed === "401" || observed === "signin";
  if (expected === "403") return observed === "403";
  if (expected === "refused") return refusal.includes(observed);
  if (expected === "allowed") return !["401", "signin", "403"].includes(observed);
  if (expected === "org") return !["401", "signin"].includes(observed);
  if (expected === "public") return !observed.startsWith("error");
  return expected === observed;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer(projectDir, secretEnvNames, secret, extraEnv = {}) {
  const bin = path.join(projectDir, "node_modules/next/dist/bin/next");
  if (!existsSync(bin)) throw new CannotRun(`no next in ${projectDir}/node_modules`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...extraEnv,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  for (const name of secretEnvNames) env[name] = secret;
  if (secretEnvNames.includes("NEXTAUTH_SECRET")) env.NEXTAUTH_URL ??= url;
  let log = "";
  const child = spawn(process.execPath, [bin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: projectDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new CannotRun(`next start exited (${child.exitCode}): ${log.slice(-500)}`);
    try {
      await fetch(`${url}/`, { redirect: "manual" });
      return { url, stop, log: () => log };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new CannotRun("next start did not answer within 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The router state a client sends after rendering `pattern`'s layouts, with a different page below. */
function navigationTree(pattern) {
  const segments = samplePath(pattern, PLACEHOLDER).split("/").filter(Boolean);
  let tree = ['__PAGE__?{"authz-probe":"1"}', {}];
  for (let i = segments.length - 1; i >= 0; i--) tree = [segments[i], { children: tree }];
  return JSON.stringify(["", { children: tree }]);
}

async function pool(tasks, size) {
  const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/** Runs the probe; returns the exit code. */
export async function main(argv = process.argv.slice(2), out = console) {
  let server = null;
  let hook = null;
  try {
    const started = performance.now();
    const args = parseArgs(argv);
    const projectDir = args.dir;
    const ts = loadTypeScript(projectDir);
    const { entries } = await collectEntries({ projectDir, distDir: args.dist });
    await loadPolicies(ts, projectDir, entries);
    const users = await loadUsers(ts, projectDir, args.users);
    if (args.credentials) hook = await loadCredentialsHook(ts, projectDir, args.credentials);

    const secretEnvNames = args.secretEnv ? [args.secretEnv] : ["AUTH_SECRET", "NEXTAUTH_SECRET"];
    let secret;
    if (args.url && args.signIn) {
      secret = null; // signing in over HTTP needs no secret
    } else if (args.url) {
      secret = secretEnvNames
        .map((n) => process.env[n])
        .find(Boolean)
        ?.split(",")[0]
        ?.trim();
      if (!secret)
        throw new CannotRun(`--url needs the server's secret in ${secretEnvNames.join(" or ")}`);
    } else {
      secret = randomBytes(32).toString("hex");
      server = await startServer(projectDir, secretEnvNames, secret, hook?.env);
    }
    const base = args.url ?? server.url;
    const cookies = await sessionCookies(ts, projectDir, args, users, { secret, baseUrl: base });

    // The least privileged user: the one the fewest declared policies allow.
    const policies = new Set(
      entries
        .flatMap((e) => [e.policyValue, ...(e.middlewareRules ?? []).map((r) => r.policyValue)])
        .filter(Boolean),
    );
    const allowedCount = (u) =>
      [...policies].filter((p) => !p.checkSubject(p.access.parseSubject(u.claims))).length;
    const least = [...users].sort((a, b) => allowedCount(a) - allowedCount(b))[0];
    const scopes = new Set([...policies].flatMap((p) => p.credentials?.scopes ?? []));
    const programs = hook
      ? await programCredentials(hook, users, [...scopes].sort(), args.credentials)
      : [];

    const callers = [{ label: "anonymous", claims: null }, ...users];
    const tasks = [];
    const rows = [];
    for (const entry of entries) {
      if (entry.kind === "layout" || entry.framework) continue;
      const who = entry.kind === "action" ? [callers[0], ...(least ? [least] : [])] : callers;
      const variants = entry.kind === "page" ? ["load", "navigation"] : [entry.kind];
      if (entry.kind === "action" && entry.path === "(no page)") continue;
      for (const variant of variants) {
        const row = { entry, variant, cells: new Map() };
        rows.push(row);
        for (const caller of who) {
          tasks.push(async () => {
            const headers = {};
            if (caller.claims) headers.cookie = cookies.get(caller.label);
            if (args.clientIp) headers["x-forwarded-for"] = args.clientIp;
            const url = `${base}${samplePath(entry.path, PLACEHOLDER)}`;
            let init;
            let kind = "http";
            if (entry.kind === "action") {
              kind = "action";
              init = {
                method: "POST",
                headers: {
                  ...headers,
                  "next-action": entry.actionId,
                  "content-type": "text/plain;charset=UTF-8",
                  accept: "text/x-component",
                },
                body: "[]",
              };
            } else if (variant === "navigation") {
              kind = "rsc";
              init = {
                method: "GET",
                headers: {
                  ...headers,
                  rsc: "1",
                  "next-router-state-tree": encodeURIComponent(navigationTree(entry.path)),
                },
              };
            } else {
              init = {
                method: entry.kind === "page" ? "GET" : entry.method,
                headers: {
                  ...headers,
                  accept: entry.kind === "page" ? "text/html" : "application/json",
                },
              };
            }
            let observed;
            try {
              let response = await fetch(url, {
                ...init,
                redirect: "manual",
                signal: AbortSignal.timeout(20_000),
              });
              // Next answers an RSC request without its cache-busting `_rsc` value (a hash of the
              // router headers) with a redirect that carries it: ask again with that value.
              const busting =
                kind === "rsc" && response.status >= 300 && response.status < 400
                  ? new URL(response.headers.get("location") ?? "/", url).searchParams.get("_rsc")
                  : null;
              if (busting) {
                await response.body?.cancel();
                const again = new URL(url);
                again.searchParams.set("_rsc", busting);
                response = await fetch(again, {
                  ...init,
                  redirect: "manual",
                  signal: AbortSignal.timeout(20_000),
                });
              }
              const body = await response.text();
              observed = observedOf(response, body, kind);
            } catch (error) {
              observed = `error ${error.name}`;
            }
            const expected = expectedFor(entry, caller.claims, args.clientIp);
            row.cells.set(caller.label, { observed, expected, ok: matches(expected, observed) });
          });
        }
        // A program's credential of each kind on every guarded route: taken where the policies
        // accept the kind, and refused with credential_not_accepted everywhere else.
        if (entry.kind !== "route" || !entry.policyValue) continue;
        for (const program of programs) {
          tasks.push(async () => {
            const headers = { ...program.headers, accept: "application/json" };
            if (args.clientIp) headers["x-forwarded-for"] = args.clientIp;
            const expected = expectedForCredential(entry, program.kind);
            let answer;
            try {
              const response = await fetch(`${base}${samplePath(entry.path, PLACEHOLDER)}`, {
                method: entry.method,
                headers,
                redirect: "manual",
                signal: AbortSignal.timeout(20_000),
              });
              const body = await response.text();
              let code = null;
              try {
                code = JSON.parse(body)?.code ?? null;
              } catch {
                // not JSON: no code
              }
              const challenge = response.headers.get("www-authenticate");
              answer = { status: response.status, code, challenge };
            } catch (error) {
              answer = { status: 599, code: `error ${error.name}`, challenge: null };
            }
            const observed =
              answer.status === 599
                ? answer.code
                : answer.status === 401 && answer.code
                  ? `401 ${answer.code}`
                  : String(answer.status);
            row.cells.set(program.label, {
              observed,
              expected,
              ok: matchesCredential(expected, answer),
              ...(answer.challenge ? { challenge: answer.challenge } : {}),
            });
          });
        }
      }
    }
    await pool(tasks, 6);
    const mismatches = rows.flatMap((r) =>
      [...r.cells.entries()].filter(([, c]) => !c.ok).map(([who, c]) => ({ row: r, who, ...c })),
    );
    const elapsedMs = Math.round(performance.now() - started);

    if (args.json) {
      out.log(
        JSON.stringify(
          {
            rows: rows.map((r) => ({
              kind: r.entry.kind,
              variant: r.variant,
              path: r.entry.path,
              method: r.entry.method,
              actionId: r.entry.actionId,
              cells: Object.fromEntries(r.cells),
            })),
            mismatches: mismatches.map((m) => ({
              kind: m.row.entry.kind,
              variant: m.row.variant,
              path: m.row.entry.path,
              method: m.row.entry.method,
              actionId: m.row.entry.actionId,
              who: m.who,
              expected: m.expected,
              observed: m.observed,
            })),
            credentials: programs.map((p) => ({ kind: p.kind, user: p.user })),
            elapsedMs,
          },
          null,
          2,
        ),
      );
    } else {
      out.log(formatMatrix(rows, [...callers, ...programs], least, programs, hook !== null));
      out.log("");
      if (mismatches.length === 0)
        out.log(
          `0 mismatches in ${rows.reduce((n, r) => n + r.cells.size, 0)} calls (${(elapsedMs / 1000).toFixed(1)} s).`,
        );
      else {
        out.log(`${mismatches.length} mismatches:`);
        for (const m of mismatches)
          out.log(
            `  ${label(m.row)} as ${m.who}: expected ${m.expected}, observed ${m.observed}${m.challenge ? ` (WWW-Authenticate: ${m.challenge})` : ""}`,
          );
      }
    }
    return mismatches.length > 0 ? 1 : 0;
  } catch (error) {
    const message =
      error instanceof CannotRun ? error.message : `unexpected error: ${error?.stack ?? error}`;
    out.error(`authz:probe cannot run: ${message}`);
    return 2;
  } finally {
    await server?.stop();
    await hook?.close();
  }
}

function label(row) {
  const e = row.entry;
  if (e.kind === "action")
    return `action ${e.file} [${e.actionId.slice(0, 10)}…] via POST ${e.path}`;
  if (e.kind === "page")
    return `page ${e.path}${row.variant === "navigation" ? " (client navigation)" : ""}`;
  return `${e.method} ${e.path}`;
}

function formatMatrix(rows, callers, least, programs, hooked) {
  const header = ["ENTRY", ...callers.map((c) => c.label)];
  const lines = [header];
  for (const row of rows) {
    lines.push([
      label(row),
      ...callers.map((c) => {
        const cell = row.cells.get(c.label);
        if (!cell) return "·";
        return cell.ok ? cell.observed : `${cell.observed} ✗ (want ${cell.expected})`;
      }),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  const body = lines
    .map((l) =>
      l
        .map((c, i) => String(c).padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  const missing = PROGRAM_KINDS.filter((k) => !programs.some((p) => p.kind === k));
  const credentialsLine = !hooked
    ? "routes are not called with bearer tokens or API keys (no --credentials hook)"
    : `guarded routes are called with ${programs.map((p) => p.label).join(" and ") || "no credential"}${missing.length > 0 ? `; the hook mints no ${missing.join(" or ")} for any user` : ""}`;
  return `${body}\n\nactions are called anonymously and as the least privileged user (${least?.label ?? "none"}); ${credentialsLine}; · = not called`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}

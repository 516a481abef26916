#!/usr/bin/env node
// `npm run authz:probe -- --users lib/demo/users.ts#demoUsers [--url http://host:port]
// [--mint lib/x.ts#mint | --sign-in lib/x.ts#signIn] [--credentials lib/x.ts#credentials]`: calls
// every entry point the report lists on a running server, anonymously and as each user (sessions
// made as the app makes them), and every guarded route with a bearer token and an API key (made by
// the app's `--credentials` hook), and compares each answer with what the declared policies say.
// Exit 1 on any mismatch, 2 when it cannot run.
// @see docs/entry-points.md#what-the-probe-calls
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { navigationTree, PLACEHOLDER, pool, startServer } from "./call-node.mjs";
import { CannotRun, collectEntries, loadTypeScript, samplePath } from "./entries-node.mjs";
import {
  expectedFor,
  expectedForCredential,
  matches,
  matchesCredential,
  observedOf,
} from "./expect-node.mjs";
import {
  loadCredentialsHook,
  loadPolicies,
  loadUsers,
  programCredentials,
  sessionCookies,
} from "./load-node.mjs";
import { formatMatrix, label } from "./print-node.mjs";

export {
  challengeKind,
  expectedFor,
  expectedForCredential,
  matches,
  matchesCredential,
  PROGRAM_KINDS,
} from "./expect-node.mjs";
export {
  loadCredentialsHook,
  loadPolicies,
  loadUsers,
  programCredentials,
  sessionCookies,
} from "./load-node.mjs";

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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}

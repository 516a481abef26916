// Reading the app's own modules for the probe: its users, the policy values its entries name, the
// hooks that make its sessions and program credentials (`--mint`, `--sign-in`, `--credentials`).
// @see docs/entry-points.md#what-the-probe-calls
import path from "node:path";
import { PROGRAM_KINDS } from "./expect-node.mjs";
import { importProjectModule } from "./import-ts-node.mjs";
import { CannotRun, KIT_DIR } from "./project-node.mjs";

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
export async function loadFunction(ts, projectDir, spec, option) {
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

#!/usr/bin/env node
// `npm run dev` on a fresh clone needs no setup: when no AUTH_SECRET is set anywhere, write a random
// one to .env.local (git-ignored) once. Production commands never do this: they refuse to start.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, appendFileSync } from "node:fs";
import path from "node:path";

const envFile = path.resolve(process.cwd(), ".env.local");
const fromEnv = process.env.AUTH_SECRET?.trim();
const fromFile =
  existsSync(envFile) && /^\s*AUTH_SECRET\s*=\s*\S+/m.test(readFileSync(envFile, "utf8"));

if (!fromEnv && !fromFile) {
  const secret = randomBytes(32).toString("base64url");
  const prefix = existsSync(envFile) && !readFileSync(envFile, "utf8").endsWith("\n") ? "\n" : "";
  appendFileSync(
    envFile,
    `${prefix}# Development only: made by scripts/ensure-dev-secret.mjs on first \`npm run dev\`.\nAUTH_SECRET=${secret}\n`,
    { mode: 0o600 },
  );
  console.log("next-authz-kit: wrote a development AUTH_SECRET to .env.local (git-ignored).");
}

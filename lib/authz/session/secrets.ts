/**
 * The Auth.js secrets of an environment, read exactly as Auth.js reads them, so the kit and
 * Auth.js never disagree about a session (one helper for both: pass its result to `NextAuth({
 * secret })` and to the kit's session source).
 *
 * Auth.js's own convention (`@auth/core`, `setEnvDefaults`): `AUTH_SECRET` plus `AUTH_SECRET_1`,
 * `AUTH_SECRET_2`, `AUTH_SECRET_3`, each put in front of the list, so the highest number is the
 * current secret (it encrypts new sessions) and the others still decrypt older ones. Values are
 * used byte for byte, as Auth.js does: no trimming, no comma lists (a trailing newline is part of
 * the secret for both readers alike). Empty values are skipped.
 */

/**
 * The secrets Auth.js would use, current first: `[AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1, AUTH_SECRET]` (those set).
 *
 * @example
 * // lib/auth.ts: NextAuth({ ...authConfig, secret: authJsSecrets(process.env) })
 * authJsSession({ secret: () => authJsSecrets(process.env) });
 */
export function authJsSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  const secrets: string[] = [];
  const base = env.AUTH_SECRET;
  if (base) secrets.push(base);
  for (const i of [1, 2, 3]) {
    const rotated = env[`AUTH_SECRET_${i}`];
    if (rotated) secrets.unshift(rotated);
  }
  return secrets;
}

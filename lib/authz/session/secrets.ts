/**
 * The Auth.js secrets of an environment, read exactly as Auth.js reads them, so the kit and
 * Auth.js never disagree about a session.
 *
 * @see docs/sessions.md#secrets-and-rotation
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

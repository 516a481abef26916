/**
 * Server actions guarded like route handlers. A server action is a public POST endpoint: its id
 * ships to the browser and anyone can call it with any arguments, whether or not a page still uses
 * it. So every action runs its whole policy (IP, session, role, permission, feature, input
 * validation, rate limit, resource) and answers a refusal as data a form can render, never as a
 * thrown redirect. Server side only (`next/headers`): not for middleware.ts.
 */
import { AuthzConfigError } from "./errors";
import { deny, type Deny } from "./decide/decision";
import { actionRef, currentRequest, passOnCookies } from "./entry/next-request";
import { validate, type FieldIssue, type OutputOf, type StandardSchemaV1 } from "./decide/schema";
import { actionRefusal, type ActionRefusal } from "./entry/action-refusal";
import type {
  AccessDeclaration,
  Checker,
  Policy,
  PolicyRules,
  ResourceShape,
  SubjectFor,
} from "./types";

export { actionRefusal };
export type { ActionRefusal };

/** Whether an action's result is the kit's refusal (narrows the union an action returns). */
export function isActionRefusal(value: unknown): value is ActionRefusal {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { ok?: unknown }).ok === false &&
    typeof (value as { status?: unknown }).status === "number" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}

/** What the guarded action receives next to its validated input. */
export interface ActionContext<S, Res> {
  /** The subject the policy allowed (never null once the policy requires a session). */
  readonly subject: S;
  /** What `load` returned, already checked against the policy's resource rule. */
  readonly resource: Res;
  /** The arguments the caller sent, as they came (a `useActionState` action gets its state here). */
  readonly args: readonly unknown[];
}

/** Options of a guarded action: input validation and the resource loader. */
export interface ActionOptions<S, IS, Res> {
  /**
   * Validates the action's input: the `FormData` among its arguments (as a plain object, repeated
   * names as arrays), otherwise its first argument. A failure answers a 400 refusal with the issues.
   */
  readonly input?: IS;
  /** Loads the resource the policy checks (owner/tenant), once; null or undefined answers 404. */
  readonly load?: (input: {
    readonly input: InputOf<IS>;
    readonly subject: S;
  }) => Promise<Res | null | undefined> | Res | null | undefined;
  /**
   * For an org policy: which argument names the active org, the org id the page's `authorize`
   * resolved bound to the action (`action.bind(null, subject.org.id)` → `(args) => args[0]`;
   * already decoded, unlike the page's raw `[org]` param). Required with an org rule. The caller's
   * own memberships decide, so naming another org gains nothing.
   */
  readonly org?: (args: readonly unknown[]) => unknown;
  /** The action's name in its decision events. Default: the action function's own name, if any. */
  readonly name?: string;
}

type InputOf<IS> = IS extends StandardSchemaV1 ? OutputOf<IS> : undefined;

/**
 * A server action as Next calls it: any arguments in, a promise out. It also fits a form's
 * `action` prop directly (React ignores what a plain form action returns); use `useActionState`
 * to show the refusal.
 */
export type ServerAction<Out> = ((...args: unknown[]) => Promise<Out>) &
  ((formData: FormData) => Promise<void>);

/** `withAuthorizationAction(policy, action)` or `withAuthorizationAction(policy, options, action)`. */
export interface WithAuthorizationAction {
  <D extends AccessDeclaration, const R extends PolicyRules<D>, Out>(
    policy: Policy<D, R>,
    action: (input: undefined, context: ActionContext<SubjectFor<D, R>, undefined>) => Out,
  ): ServerAction<Awaited<Out> | ActionRefusal>;
  <
    D extends AccessDeclaration,
    const R extends PolicyRules<D>,
    Out,
    IS extends StandardSchemaV1 | undefined = undefined,
    Res extends ResourceShape<R> = never,
  >(
    policy: Policy<D, R>,
    options: ActionOptions<SubjectFor<D, R>, IS, Res>,
    action: (
      input: InputOf<IS>,
      context: ActionContext<SubjectFor<D, R>, [Res] extends [never] ? undefined : Res>,
    ) => Out,
  ): ServerAction<Awaited<Out> | ActionRefusal>;
}

const GUARD = Symbol.for("next-authz-kit.guard");

/** How a server action is guarded: by a policy (its name) or declared public (the reason). */
export type ActionGuardMark =
  | { readonly kind: "policy"; readonly policy: string; readonly entry: "action" }
  | { readonly kind: "public"; readonly reason: string; readonly entry: "action" };

function mark<F extends object>(action: F, guard: ActionGuardMark): F {
  Object.defineProperty(action, GUARD, { value: guard, enumerable: false });
  return action;
}

/** Form fields as a plain object; repeated names become arrays; React's own `$ACTION_` fields go. */
function formDataObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION_")) continue;
    const previous = out[key];
    if (previous === undefined) out[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else out[key] = [previous, value];
  }
  return out;
}

/**
 * The input of an action call: the last `FormData` argument (a form post, or `useActionState`'s
 * second argument) as an object, otherwise the first argument (a direct call).
 */
function actionInput(args: readonly unknown[]): unknown {
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i];
    if (typeof FormData !== "undefined" && arg instanceof FormData) return formDataObject(arg);
  }
  return args[0];
}

async function validateInput(
  schema: StandardSchemaV1 | undefined,
  args: readonly unknown[],
): Promise<{ readonly ok: true; readonly value: unknown } | Deny> {
  if (!schema) return { ok: true, value: undefined };
  let result: { ok: true; value: unknown } | { ok: false; issues: readonly FieldIssue[] };
  try {
    result = await validate(schema, actionInput(args));
  } catch {
    // A validator that throws on a strange value (a cyclic object, a getter) is still bad input.
    result = { ok: false, issues: [] };
  }
  if (result.ok) return result;
  return deny("invalid_request", "Invalid action input", {
    rule: "validation",
    details: result.issues.length > 0 ? { issues: result.issues } : {},
  });
}

/**
 * Builds `withAuthorizationAction` for a configured kit.
 *
 * @example
 * export const { withAuthorizationAction } = createActionGuard(authz);
 */
export function createActionGuard(authz: Pick<Checker, "check" | "requestId">): {
  readonly withAuthorizationAction: WithAuthorizationAction;
} {
  /**
   * Wraps a server action so it runs only when its policy allows, every rule included; a refusal is
   * returned as `{ ok: false, status, code, message, details }` before anything runs.
   *
   * @example
   * export const deleteUser = withAuthorizationAction(
   *   policies.admin,
   *   { input: z.object({ id: z.string() }) },
   *   async ({ id }) => ({ ok: true as const, deleted: await users.delete(id) }),
   * );
   * @see docs/pages-and-actions.md#withauthorizationaction
   */
  function withAuthorizationAction<D extends AccessDeclaration, R extends PolicyRules<D>, Out>(
    policy: Policy<D, R>,
    optionsOrAction:
      | ActionOptions<SubjectFor<D, R>, StandardSchemaV1 | undefined, unknown>
      | ((input: unknown, context: ActionContext<SubjectFor<D, R>, unknown>) => Out),
    maybeAction?: (input: unknown, context: ActionContext<SubjectFor<D, R>, unknown>) => Out,
  ): ServerAction<Awaited<Out> | ActionRefusal> {
    const options = typeof optionsOrAction === "function" ? {} : optionsOrAction;
    const action = typeof optionsOrAction === "function" ? optionsOrAction : maybeAction;
    const where = `withAuthorizationAction(${policy.name})`;
    if (typeof action !== "function")
      throw new AuthzConfigError("invalid_action", where, "the action must be a function");
    if (policy.rules.resource && !options.load) {
      throw new AuthzConfigError(
        "invalid_action",
        where,
        "the policy has a resource rule, so the action needs a load() option",
      );
    }
    if (policy.org && !options.org) {
      throw new AuthzConfigError(
        "invalid_action",
        `withAuthorizationAction(${policy.name})`,
        "the policy has an org rule, so the action needs an org() option",
      );
    }
    if (options.load && !policy.rules.resource) {
      throw new AuthzConfigError(
        "invalid_action",
        where,
        "a load() option without a resource rule checks nothing; add the rule or drop load",
      );
    }

    const actionName = options.name ?? (action.name || undefined);
    const guarded = async (...args: unknown[]): Promise<Awaited<Out> | ActionRefusal> => {
      let input: unknown = undefined;
      const request = await currentRequest({ action: true });
      const named = options.org?.(args);
      const decision = await authz.check(policy, request, {
        ...(options.org ? { org: typeof named === "string" ? named : null } : {}),
        layer: "action",
        logAction: actionRef(request, guarded, actionName),
        validate: async () => {
          const result = await validateInput(options.input, args);
          if (!("ok" in result)) return result;
          input = result.value;
          return null;
        },
        ...(options.load
          ? {
              load: async (subject: SubjectFor<D, R>) =>
                (await options.load!({ input: input as never, subject })) ?? null,
            }
          : {}),
      });
      if (!decision.allowed)
        return actionRefusal(
          decision,
          authz.requestId ? await authz.requestId(request).catch(() => null) : null,
        );
      // Before the action runs, so a cookie it sets itself (a sign-out) has the last word.
      if (decision.responseHeaders) await passOnCookies(decision.responseHeaders);
      return await action(input, {
        subject: decision.subject,
        resource: decision.resource,
        args,
      });
    };
    return mark(guarded, {
      kind: "policy",
      policy: policy.name,
      entry: "action",
    }) as ServerAction<Awaited<Out> | ActionRefusal>;
  }
  return { withAuthorizationAction: withAuthorizationAction as WithAuthorizationAction };
}

/**
 * Marks a server action as deliberately public (sign-in, sign-out), with the reason the report
 * shows; it still validates its input. The options (an `input` schema) may be left out.
 *
 * @example
 * export const signOutAction = publicAction("signs the caller out; needs no session", async () => {
 *   await signOut({ redirectTo: "/" });
 * });
 * @see docs/pages-and-actions.md#withauthorizationaction
 */
export function publicAction<Out>(
  reason: string,
  action: (input: undefined, context: { readonly args: readonly unknown[] }) => Out,
): ServerAction<Awaited<Out>>;
export function publicAction<Out, IS extends StandardSchemaV1 | undefined = undefined>(
  reason: string,
  options: { readonly input?: IS },
  action: (input: InputOf<IS>, context: { readonly args: readonly unknown[] }) => Out,
): ServerAction<IS extends StandardSchemaV1 ? Awaited<Out> | ActionRefusal : Awaited<Out>>;
export function publicAction<Out>(
  reason: string,
  optionsOrAction:
    | { readonly input?: StandardSchemaV1 }
    | ((input: never, context: { readonly args: readonly unknown[] }) => Out),
  maybeAction?: (input: never, context: { readonly args: readonly unknown[] }) => Out,
): ServerAction<Awaited<Out> | ActionRefusal> {
  const options = typeof optionsOrAction === "function" ? {} : (optionsOrAction ?? {});
  const action = typeof optionsOrAction === "function" ? optionsOrAction : maybeAction;
  if (typeof reason !== "string" || reason.trim() === "")
    throw new AuthzConfigError("invalid_action", "publicAction", "it needs a reason");
  if (typeof action !== "function")
    throw new AuthzConfigError("invalid_action", "publicAction", "the action must be a function");
  const guarded = async (...args: unknown[]) => {
    const result = await validateInput(options.input, args);
    if (!("ok" in result)) return actionRefusal(result);
    return await action(result.value as never, { args });
  };
  return mark(guarded, { kind: "public", reason, entry: "action" }) as ServerAction<
    Awaited<Out> | ActionRefusal
  >;
}

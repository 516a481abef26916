/**
 * The kit's shared types: the access declaration, subjects, policies and the checker interface.
 * A leaf module: it imports types from leaf modules only, so every other file can import it and
 * no two modules need each other.
 */
import type { Allow, Decision, Deny } from "./decide/decision";
import type { Duration } from "./decide/duration";
import type { ActiveOrg, Membership } from "./org/membership";
import type { OrgRoleDeclaration, OrgRoles } from "./org/roles";
import type { RateLimitResult } from "./rate-limit/store";
import type { CredentialKind, SessionClaims } from "./session/source";

/**
 * The app's one declaration of its roles, permissions, plans and features. Everything else in the
 * kit is typed from it, so a misspelt role in a policy is a compile error, not a silent deny.
 */
export interface AccessDeclaration {
  /** Roles by name. `inherits` lists roles whose permissions (and checks) this role also satisfies. */
  readonly roles: Readonly<Record<string, RoleDeclaration>>;
  /** Plans by name, each with the features it unlocks. Omit for apps without plans. */
  readonly plans?: Readonly<Record<string, PlanDeclaration>>;
  /** Where a user can upgrade; refusals for a missing feature link to it (`upgrade_url`). */
  readonly upgradeUrl?: string;
  /** Roles held per organization membership (`admin` of acme, `member` of globex), with inheritance. */
  readonly orgRoles?: Readonly<Record<string, OrgRoleDeclaration>>;
}

/** One role: the roles it includes and the permissions it grants. */
export interface RoleDeclaration {
  readonly inherits?: readonly string[];
  readonly permissions?: readonly string[];
}

/** One plan: the features it unlocks, and a name shown to users (defaults to the plan's key). */
export interface PlanDeclaration {
  readonly features: readonly string[];
  readonly label?: string;
}

/** The role names of a declaration. */
export type RoleOf<D extends AccessDeclaration> = keyof D["roles"] & string;
/** Every permission any role of a declaration grants. */
export type PermissionOf<D extends AccessDeclaration> = NonNullable<
  D["roles"][keyof D["roles"]]["permissions"]
>[number];
/** The plan names of a declaration (`never` without plans). */
export type PlanOf<D extends AccessDeclaration> =
  D["plans"] extends Readonly<Record<string, PlanDeclaration>> ? keyof D["plans"] & string : never;
/** Every feature any plan of a declaration unlocks (`never` without plans). */
export type FeatureOf<D extends AccessDeclaration> =
  D["plans"] extends Readonly<Record<string, PlanDeclaration>>
    ? D["plans"][keyof D["plans"]]["features"][number]
    : never;
/** The org role names of a declaration (`never` without `orgRoles`). */
export type OrgRoleOf<D extends AccessDeclaration> =
  D["orgRoles"] extends Readonly<Record<string, OrgRoleDeclaration>>
    ? keyof D["orgRoles"] & string
    : never;
/** Every permission any org role of a declaration grants (`never` without `orgRoles`). */
export type OrgPermissionOf<D extends AccessDeclaration> =
  D["orgRoles"] extends Readonly<Record<string, OrgRoleDeclaration>>
    ? NonNullable<D["orgRoles"][keyof D["orgRoles"]]["permissions"]>[number]
    : never;

/**
 * Who is asking, as the kit knows it from a verified session: never from the request body,
 * query or any header the client controls.
 */
export interface Subject<D extends AccessDeclaration = AccessDeclaration> {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
  readonly roles: readonly RoleOf<D>[];
  readonly tenant?: string;
  readonly plan?: PlanOf<D>;
  /**
   * The account's org memberships, read from the kit's account source on every request (within its
   * cache bound), never from the cookie. Absent when the kit has no account source.
   */
  readonly memberships?: readonly Membership<OrgRoleOf<D>>[];
  /** A person, or a program acting for itself (an org-owned API key, a client-credentials token). */
  readonly kind?: "user" | "machine";
  /** The credential the request was decided by (the kit sets it on every subject it checks). */
  readonly credential?: CredentialKind;
  /** The bearer token's scopes or the API key's permissions; empty for a browser session. */
  readonly scopes?: readonly string[];
}

/**
 * A declaration the kit has checked and indexed: role closure, feature-to-plan table and the
 * claims parser, all computed once at start-up.
 */
export interface Access<D extends AccessDeclaration> {
  readonly declaration: D;
  /** Role names in declaration order. */
  readonly roles: readonly RoleOf<D>[];
  /** Whether a subject holds `role` directly or through inheritance. */
  hasRole(subject: Subject<D>, role: RoleOf<D>): boolean;
  /** Whether a subject's roles grant `permission`. */
  hasPermission(subject: Subject<D>, permission: PermissionOf<D>): boolean;
  /** Whether a subject's plan unlocks `feature`. */
  hasFeature(subject: Subject<D>, feature: FeatureOf<D>): boolean;
  /** The first declared plan that unlocks `feature` (what an upgrade hint names). */
  planFor(feature: FeatureOf<D>): { readonly plan: PlanOf<D>; readonly label: string } | undefined;
  /** The org role table: inheritance and permissions inside an org. */
  readonly orgRoles: OrgRoles<OrgRoleOf<D>, OrgPermissionOf<D>>;
  /** Validates raw session claims into a Subject; `null` when they do not fit the declaration. */
  parseSubject(claims: SessionClaims): Subject<D> | null;
  /**
   * Defines a policy on this declaration: checked now (an unknown role, an empty list, a malformed
   * CIDR or a bad window throws an `AuthzConfigError` at start-up), evaluated per request.
   */
  policy<const R extends PolicyRules<D>>(rules: R): Policy<D, R>;
  /** Whether `name` is a declared role, permission or feature (for validating untyped callers). */
  isRole(name: unknown): name is RoleOf<D>;
  isPermission(name: unknown): name is PermissionOf<D>;
  isFeature(name: unknown): name is FeatureOf<D>;
}

/** What a policy's `org` rule says; role and permission names are typed from the declaration. */
export interface OrgRuleOptions<Role extends string = string, Permission extends string = string> {
  /** The route segment naming the active org: `"org"` for `app/orgs/[org]/...`. */
  readonly segment: string;
  /** Any one of these org roles in that org (inheritance counts: admin satisfies member). */
  readonly role?: Role | readonly Role[];
  /** Every one of these permissions, granted by the caller's org role in that org. */
  readonly permission?: Permission | readonly Permission[];
}

/** A compiled org rule (`org/rule.ts` builds it). */
export interface OrgRule<Role extends string = string> {
  readonly segment: string;
  /**
   * The active org when the caller may act in it; a 404 for a non-member (the same refusal as for
   * an org that does not exist, so membership is never revealed); a 403 for a member without the
   * role or permission.
   */
  check(
    memberships: readonly Membership<Role>[] | undefined,
    org: string | null,
  ): ActiveOrg<Role> | Deny;
}

/** A per-operation rate limit: at most `limit` calls per `window`, counted per user or per address. */
export interface RateLimitOptions {
  /** Names the operation; it keys the counters and appears in the `RateLimit` fields. */
  readonly operation: string;
  readonly limit: number;
  readonly window: Duration;
  /** What a counter is per: the signed-in user (default) or the client address. */
  readonly by?: "user" | "ip";
  /** The status when the limit is reached: 429 (default, RFC 6585) or 403, as some APIs prefer. */
  readonly status?: 429 | 403;
  /**
   * With `by: "ip"`, the IPv6 prefix length counted as one client (default 64: one subscriber's
   * network; 128 counts single addresses). IPv4 addresses always count alone.
   */
  readonly ipv6Prefix?: number;
}

/**
 * Ownership and tenancy of a loaded resource, named by the resource's property keys so the
 * compiler checks them against the loader's result type.
 */
export interface ResourceOptions<D extends AccessDeclaration> {
  /** Key of the resource's tenant id; it must equal the subject's tenant. */
  readonly tenant?: string;
  /** Key of the resource's owner id; it must equal the subject's id unless a role overrides. */
  readonly owner?: string;
  /**
   * Key of the resource's org id; it must equal the active org (the policy's `org` rule), or the
   * resource is concealed as a 404, whichever other org it belongs to.
   */
  readonly org?: string;
  /** Org roles (in the active org) that act on resources they do not own, like org admins. */
  readonly orgRoleOverride?: OrgRoleOf<D> | readonly OrgRoleOf<D>[];
  /**
   * Roles that act on resources they do not own (tenant admins). Their reach is the tenant only
   * when the rule also names a `tenant` key; without one they act on every resource.
   */
  readonly ownerOverride?: RoleOf<D> | readonly RoleOf<D>[];
  /**
   * Which refusals pretend the resource does not exist (404, byte-identical to a missing one):
   * `"cross-tenant"` hides other tenants' resources, `"all"` also hides ones the subject does not
   * own, `"none"` (default) answers 403.
   */
  readonly conceal?: "none" | "cross-tenant" | "all";
}

/** How recent the last interactive sign-in must be, and optionally how strong. */
export interface FreshOptions {
  /** The longest time since the sign-in, e.g. `"10m"`. */
  readonly maxAge: Duration;
  /** Authentication context classes accepted (any one; RFC 9470 `acr_values`). */
  readonly acr?: string | readonly string[];
  /** Authentication methods that must all have been used (`amr`, e.g. `["mfa"]`). */
  readonly amr?: readonly string[];
}

/** The credential rules of a policy, checked and parsed by `decide/credential-policy.ts`. */
export interface CredentialRules {
  /** The kinds accepted, in the order given (the first one's challenge answers a bare 401). */
  readonly accepts: readonly CredentialKind[];
  readonly scopes: readonly string[];
  /** Seconds since the sign-in, at most; absent without a `fresh` rule. */
  readonly freshMaxAge: number | undefined;
  readonly freshAcr: readonly string[];
  readonly freshAmr: readonly string[];
  readonly authoritative: boolean;
}

/** What a policy requires. Checked in the order IP, session, role, permission, feature, rate limit, resource. */
export interface PolicyRules<D extends AccessDeclaration> {
  /** A name for logs and the demo console. */
  readonly name?: string;
  /** Whether a session is required. Defaults to true: deny by default; say `false` for a public policy. */
  readonly signedIn?: boolean;
  /** Any one of these roles (inheritance counts: admin satisfies member). */
  readonly role?: RoleOf<D> | readonly RoleOf<D>[];
  /** Every one of these permissions. */
  readonly permission?: PermissionOf<D> | readonly PermissionOf<D>[];
  /** A feature the subject's plan must unlock. */
  readonly feature?: FeatureOf<D>;
  /**
   * Client address rules (CIDR lists). An address the kit cannot know (no trusted proxy) or parse is
   * refused unless `unknownAddress: "allow"` (only sensible for a deny-only list).
   */
  readonly ip?: {
    readonly allow?: readonly string[];
    readonly deny?: readonly string[];
    readonly unknownAddress?: "deny" | "allow";
  };
  readonly rateLimit?: RateLimitOptions;
  readonly resource?: ResourceOptions<D>;
  /**
   * Membership of the org named by a route segment, with an org role or org permission there. The
   * memberships come from the kit's account source, never from the cookie; a non-member gets the
   * same 404 as for an org that does not exist.
   */
  readonly org?: OrgRuleOptions<OrgRoleOf<D>, OrgPermissionOf<D>>;
  /**
   * The kinds of credential that may call it: `"session"` (a browser's cookie), `"bearer"` (an
   * OAuth access token), `"api_key"`. Default `["session"]`, so adding a source never opens a
   * session route to programs. Another kind gets 401 `credential_not_accepted`.
   */
  readonly accepts?: readonly CredentialKind[];
  /** Scopes a bearer token (or permissions an API key) must all hold; 403 `insufficient_scope`. */
  readonly scopes?: readonly string[];
  /** A sign-in at most this long ago (`"10m"`), optionally with `acr`/`amr`: for sensitive operations. */
  readonly fresh?: Duration | FreshOptions;
  /** Always ask the kit's `authoritativeSession` (revocation at once) instead of a cookie cache. */
  readonly authoritative?: boolean;
  /**
   * Which fields of the resource each role may read (`{ member: ["id", "title"], admin: "*" }`):
   * a subject reads the union of its roles' lists (inheritance counts). Lists select these columns
   * and single views strip the rest (`query/fields.ts`). Omit to let every reader see every field.
   */
  readonly fields?: { readonly [K in RoleOf<D>]?: "*" | readonly string[] };
}

/** The fields a subject may read of a resource: every one (`"*"`) or these names. */
export type FieldSelection = "*" | readonly string[];

/**
 * A compiled resource rule: the keys it reads and who acts on resources they do not own. The single
 * check (`checkResource`) and the list filter (`query/filter.ts`) both read this one object.
 */
export interface ResourceRule<D extends AccessDeclaration = AccessDeclaration> {
  readonly tenant: string | undefined;
  readonly owner: string | undefined;
  readonly org: string | undefined;
  readonly conceal: "none" | "cross-tenant" | "all";
  /** Whether the subject acts on resources it does not own: `ownerOverride`, or `orgRoleOverride` in the active org. */
  overridesOwner(subject: Subject<D>, active?: ActiveOrg<OrgRoleOf<D>>): boolean;
}

/** Whether a policy's handler sees a subject for sure: every policy but `signedIn: false`. */
export type RequiresSubject<R> = R extends { readonly signedIn: false } ? false : true;

/** The resource keys a policy reads, which a loader's result must carry as strings. */
export type ResourceKeys<R> = R extends { readonly resource: infer O }
  ? | (O extends { readonly tenant: infer T extends string } ? T : never)
    | (O extends { readonly owner: infer K extends string } ? K : never)
    | (O extends { readonly org: infer G extends string } ? G : never)
  : never;

/** The resource shape a policy can check: an object with a string at each key it reads. */
export type ResourceShape<R> = [ResourceKeys<R>] extends [never]
  ? unknown
  : { readonly [K in ResourceKeys<R>]: string };

/** A checked, compiled policy. Made only by `access.policy()`, so its rules were validated at start-up. */
export interface Policy<
  D extends AccessDeclaration = AccessDeclaration,
  R extends PolicyRules<D> = PolicyRules<D>,
> {
  readonly name: string;
  readonly access: Access<D>;
  readonly rules: R;
  readonly requiresSubject: boolean;
  /** The window in ms of `rules.rateLimit`, parsed once. */
  readonly rateLimitWindowMs: number | undefined;
  /** The compiled `rules.org`: which segment names the org, and the membership check (pure). */
  readonly org: OrgRule<OrgRoleOf<D>> | undefined;
  /** The compiled credential rules: accepted kinds, scopes, fresh sign-in, authoritative. */
  readonly credentials: CredentialRules;
  /**
  /** The compiled `rules.resource` (undefined without one): what both the check and lists read. */
  readonly resource: ResourceRule<D> | undefined;
  /** The fields `rules.fields` lets a subject read (`"*"` without a fields rule; none for null). */
  fieldsFor(subject: Subject<D> | null): FieldSelection;
  /** Evaluates the IP rule (pure). */
  checkAddress(ip: string | null): Deny | null;
  /** Evaluates the session, role, permission and feature rules (pure). */
  checkSubject(subject: Subject<D> | null): Deny | null;
  /** Turns a rate-limit result into a refusal, or null when within the limit (pure). */
  checkRateLimit(result: RateLimitResult, now: number): Deny | null;
  /** Evaluates ownership, tenancy and org of a loaded resource (pure); `org` is the active org. */
  checkResource(
    subject: Subject<D> | null,
    resource: unknown,
    org?: ActiveOrg<OrgRoleOf<D>>,
  ): Deny | null;
}

/** A subject inside an org policy: its memberships, and the active org with its role there. */
export type OrgSubject<D extends AccessDeclaration> = Subject<D> & {
  readonly memberships: readonly Membership<OrgRoleOf<D>>[];
  readonly org: ActiveOrg<OrgRoleOf<D>>;
};

/** The subject a policy guarantees: a Subject (with its active org under an org rule), or Subject | null for a public policy. */
export type SubjectFor<D extends AccessDeclaration, R> =
  RequiresSubject<R> extends true
    ? R extends { readonly org: object }
      ? OrgSubject<D>
      : Subject<D>
    : Subject<D> | null;

/** What `check` lets through: the subject, headers to add, and the loaded resource. */
export type Granted<S, Res> = Allow<S, Res>;

/** Options of one check: how far to go, what to load, what to validate before counting. */
export interface CheckOptions<S, Res> {
  /**
   * `"claims"` stops after the checks a session alone can decide (IP, session, role, permission,
   * feature): what middleware and pages run. `"all"` (default) also counts the rate limit and
   * checks the resource: what route handlers run.
   */
  readonly stages?: "claims" | "all";
  /** Runs after the claims checks and before the rate limit: input validation belongs here. */
  readonly validate?: (subject: S) => Promise<Deny | null>;
  /**
   * The active org: the value of the route segment the policy's org rule names (null when the
   * route has none usable). Never from a query, body, header or cookie.
   */
  readonly org?: string | null;
  /** Loads the resource the policy's resource rule checks; null means it does not exist (404). */
  readonly load?: (subject: S) => Promise<Res | null>;
  /** Which layer decides, for the decision log. Default `"route"`. */
  readonly layer?: "middleware" | "route" | "page" | "action";
  /** The path the decision log records where the request's URL lacks it (pages): server-known. */
  readonly logPath?: string;
  /** The server action decided on, for the decision log (its build id and name). */
  readonly logAction?: { readonly id: string; readonly name?: string };
}

/**
 * What route handlers, pages and middleware need of a configured kit: evaluate a policy, and turn
 * a refusal into its response. `createAuthz` returns one; tests may pass their own.
 */
export interface Checker {
  /** The kit's options that guards check a policy against when they are defined. */
  readonly options?: {
    /** Present when the kit knows client addresses (a per-address rate limit needs it). */
    readonly clientIp?: unknown;
    /** Origins besides the request's own that may send unsafe methods with a session. */
    readonly trustedOrigins?: readonly string[];
    /** The credential sources, which the middleware checks can run where it runs. */
    readonly session?: unknown;
    /** The source `authoritative: true` policies ask; guards refuse such a policy without it. */
    readonly authoritativeSession?: unknown;
    /** Where the checks run: `"edge"` (middleware.ts, the default) or `"nodejs"` (proxy.ts). */
    readonly runtime?: "edge" | "nodejs";
    /** The decision log, whose request ids the middleware hands on to the handler. */
    readonly decisionLog?: {
      requestId(request: Request): Promise<string>;
      forwardHeaders(id: string): Readonly<Record<string, string>>;
    };
  };
  /**
   * Evaluates a policy for a request, in order: IP, session, cross-site (unsafe methods under a
   * session policy), role, permission, feature, (validate), rate limit, resource. Never throws: an error anywhere is a refusal (fail closed).
   */
  check<D extends AccessDeclaration, R extends PolicyRules<D>, Res = undefined>(
    policy: Policy<D, R>,
    request: Request,
    options?: CheckOptions<SubjectFor<D, R>, Res>,
  ): Promise<Decision<SubjectFor<D, R>, Res>>;
  /**
   * The response for a refusal, with this kit's response options: use it for refusals a handler
   * makes itself (a 404 for a missing id), so they match the kit's own byte for byte.
   */
  denialResponse(decision: Deny, request?: Request): Response;
  /** The request's id for `X-Request-Id`, or null without a decision log. */
  requestId?(request: Request): Promise<string | null>;
}

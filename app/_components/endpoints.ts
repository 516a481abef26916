/**
 * The console's view of the demo API (docs/demo.md's endpoint table): one entry per card, and how to explain an
 * answer in one line. Plain data and pure functions, shared by the client cards.
 */
import type { DenyCode } from "@/lib/authz";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

/** The one path parameter a card may ask for. */
export type EndpointParam =
  | { readonly kind: "none" }
  | {
      readonly kind: "text";
      readonly label: string;
      readonly defaultValue: string;
      readonly hint: string;
    }
  | {
      readonly kind: "select";
      readonly label: string;
      readonly defaultValue: string;
      readonly options: readonly SelectOption[];
    };

export interface Endpoint {
  /** Stable id for element ids and tests. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path with `[id]` where the parameter goes. */
  readonly path: string;
  /** The policy's name in lib/access.ts. */
  readonly policy: string;
  /** Who gets in, and what the others get. */
  readonly summary: string;
  readonly param: EndpointParam;
  /** Which console section lists it: the tenant endpoints, or the organization endpoints. */
  readonly section: "tenant" | "org";
  /** A JSON body the card sends: `role` asks for an org role and sends `{ "role": ... }`. */
  readonly body?: "role";
}

/** The organizations the org cards offer: the demo's two, and one that does not exist. */
export const ORG_OPTIONS: readonly SelectOption[] = [
  { value: "acme", label: "acme" },
  { value: "globex", label: "globex" },
  { value: "initech", label: "initech (does not exist)" },
];

/** The org roles the member card offers. */
export const ORG_ROLE_OPTIONS: readonly SelectOption[] = [
  { value: "member", label: "member" },
  { value: "admin", label: "admin" },
];

const documentOptions: readonly SelectOption[] = [
  { value: "doc-acme-1", label: "doc-acme-1 (acme, owner Bob)" },
  { value: "doc-acme-2", label: "doc-acme-2 (acme, owner Alice)" },
  { value: "doc-globex-1", label: "doc-globex-1 (globex, owner Carol)" },
  { value: "doc-unknown", label: "doc-unknown (does not exist)" },
];

export const endpoints: readonly Endpoint[] = [
  {
    id: "me",
    section: "tenant",
    method: "GET",
    path: "/api/me",
    policy: "signed-in",
    summary: "Any signed-in user gets their own claims; anonymous callers get 401.",
    param: { kind: "none" },
  },
  {
    id: "admin-users",
    section: "tenant",
    method: "GET",
    path: "/api/admin/users",
    policy: "admin",
    summary: "Admins get their own tenant’s users; members get 403 “Requires admin role”.",
    param: { kind: "none" },
  },
  {
    id: "admin-user-delete",
    section: "tenant",
    method: "DELETE",
    path: "/api/admin/users/[id]",
    policy: "manage-user",
    summary:
      "Admins delete a user of their tenant (204); an unknown id and another tenant’s user are the same 404; members get 403.",
    param: {
      kind: "text",
      label: "User id",
      defaultValue: "user-bob",
      hint: "user-alice, user-bob, user-carol, or any other id",
    },
  },
  {
    id: "document-get",
    section: "tenant",
    method: "GET",
    path: "/api/documents/[id]",
    policy: "read-document",
    summary:
      "Readable inside your tenant; another tenant’s document answers the same 404 as a missing one.",
    param: {
      kind: "select",
      label: "Document",
      defaultValue: "doc-acme-1",
      options: documentOptions,
    },
  },
  {
    id: "document-delete",
    section: "tenant",
    method: "DELETE",
    path: "/api/documents/[id]",
    policy: "delete-document",
    summary: "The owner, or an admin of the document’s tenant, deletes it; other members get 403.",
    param: {
      kind: "select",
      label: "Document",
      defaultValue: "doc-acme-2",
      options: documentOptions,
    },
  },
  {
    id: "export",
    section: "tenant",
    method: "POST",
    path: "/api/reports/export",
    policy: "export-reports",
    summary: "Needs the pro plan’s export feature, at most 5 calls a minute per user, then 429.",
    param: { kind: "none" },
  },
  {
    id: "ops-metrics",
    section: "tenant",
    method: "GET",
    path: "/api/ops/metrics",
    policy: "ops-metrics",
    summary:
      "Only from an address in OPS_ALLOWED_IPS, whoever is signed in; 403 for any other or unknown address.",
    param: { kind: "none" },
  },
  ...orgEndpoints(),
];

function orgEndpoints(): Endpoint[] {
  const orgDocumentOptions: readonly SelectOption[] = [
    { value: "doc-acme-1", label: "doc-acme-1 (acme, owner Bob)" },
    { value: "doc-acme-2", label: "doc-acme-2 (acme, owner Alice)" },
    { value: "doc-globex-1", label: "doc-globex-1 (globex, owner Carol)" },
    { value: "doc-globex-3", label: "doc-globex-3 (globex, owner Dave)" },
    { value: "doc-unknown", label: "doc-unknown (does not exist)" },
  ];
  const memberParam: EndpointParam = {
    kind: "select",
    label: "User",
    defaultValue: "user-carol",
    options: ["alice", "bob", "carol", "dave"]
      .map((n) => ({ value: `user-${n}`, label: `user-${n}` }))
      .concat([{ value: "user-nobody", label: "user-nobody (does not exist)" }]),
  };
  return [
    {
      id: "org-documents",
      section: "org",
      method: "GET",
      path: "/api/orgs/[org]/documents",
      policy: "org-documents",
      summary:
        "Members get that org’s documents; for an org you are not in, the same 404 as for one that does not exist.",
      param: { kind: "none" },
    },
    {
      id: "org-document-get",
      section: "org",
      method: "GET",
      path: "/api/orgs/[org]/documents/[id]",
      policy: "org-document",
      summary:
        "A member reads a document of the org in the URL; another org’s document is a 404 through this URL.",
      param: {
        kind: "select",
        label: "Document",
        defaultValue: "doc-acme-1",
        options: orgDocumentOptions,
      },
    },
    {
      id: "org-document-delete",
      section: "org",
      method: "DELETE",
      path: "/api/orgs/[org]/documents/[id]",
      policy: "delete-org-document",
      summary: "The owner, or an admin of the org, deletes it; other members get 403.",
      param: {
        kind: "select",
        label: "Document",
        defaultValue: "doc-globex-1",
        options: orgDocumentOptions,
      },
    },
    {
      id: "org-members",
      section: "org",
      method: "GET",
      path: "/api/orgs/[org]/members",
      policy: "org-members",
      summary: "Admins of the org list its members; members get 403, others the 404.",
      param: { kind: "none" },
    },
    {
      id: "org-member-put",
      section: "org",
      method: "PUT",
      path: "/api/orgs/[org]/members/[userId]",
      policy: "org-members",
      summary:
        "Admins of the org add a member or change their role; the change counts on the next request.",
      param: memberParam,
      body: "role",
    },
    {
      id: "org-member-delete",
      section: "org",
      method: "DELETE",
      path: "/api/orgs/[org]/members/[userId]",
      policy: "org-members",
      summary: "Admins of the org remove a member (204), or learn they are not one (404).",
      param: memberParam,
    },
  ];
}

/** The request URL for a card, its parameter value and (for org cards) the org. */
export function endpointUrl(endpoint: Endpoint, value: string, org = ""): string {
  return endpoint.path
    .replace("[org]", encodeURIComponent(org.trim()))
    .replace(/\[(id|userId)\]/, encodeURIComponent(value.trim()));
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The reason phrase for a status (HTTP/2 responses carry none of their own). */
export function statusText(status: number, fromResponse: string): string {
  return fromResponse || STATUS_TEXT[status] || "";
}

/** Which colour family a status belongs to; the number and words are always shown too. */
export function statusTone(status: number): "ok" | "unauth" | "deny" | "hidden" | "limit" {
  if (status >= 200 && status < 300) return "ok";
  if (status === 401) return "unauth";
  if (status === 404) return "hidden";
  if (status === 429) return "limit";
  return "deny";
}

type Fields = Readonly<Record<string, unknown>>;

function stringField(body: Fields, key: string): string | null {
  const value = body[key];
  return typeof value === "string" && value !== ""
    ? value
    : typeof value === "number"
      ? String(value)
      : null;
}

/**
 * One line per refusal code. Keyed by the kit's own `DenyCode`, so a code added to the kit fails
 * the type check here until the console can explain it.
 */
const RULES: Readonly<Record<DenyCode, (fields: Fields) => string>> = {
  unauthenticated: () => "Session rule: sign-in required (no session cookie).",
  session_invalid: () =>
    "Session rule: the session cookie could not be read, or its account no longer exists.",
  invalid_signature: () => "Collector rule: the event batch is unsigned or wrongly signed.",
  stale_request: () => "Collector rule: the event batch is older than its freshness window.",
  replayed_request: () => "Collector rule: this event batch was delivered before (a replay).",
  credential_not_accepted: (f) =>
    `Credential rule: this endpoint takes ${Array.isArray(f.accepted) ? f.accepted.join(", ") : "other credentials"} only.`,
  invalid_token: () =>
    "Credential rule: the bearer token is expired, badly signed, for another audience, or for no known user.",
  invalid_api_key: () => "Credential rule: the API key is unknown, revoked or expired.",
  insufficient_scope: (f) =>
    `Scope rule: the token or key lacks ${stringField(f, "scope") ?? "a required scope"}.`,
  insufficient_user_authentication: (f) =>
    `Fresh sign-in rule: the token's sign-in is older than ${stringField(f, "max_age") ?? "allowed"} s.`,
  reauthentication_required: (f) =>
    `Fresh sign-in rule: sign in again (within ${stringField(f, "max_age") ?? "a few"} s) to confirm it’s you.`,
  ip_not_allowed: () =>
    "IP rule: the client address is not in OPS_ALLOWED_IPS, or cannot be known under this proxy trust model.",
  address_unknown: () =>
    "Rate-limit rule: counted per client address, which cannot be known under this proxy trust model.",
  cross_site_request: () =>
    "Origin rule: a cross-site page may not send this request with the visitor’s session.",
  role_required: (f) => `Role rule: ${stringField(f, "required_role") ?? "another"} role required.`,
  permission_required: (f) =>
    `Permission rule: ${stringField(f, "required_permission") ?? "a permission"} required.`,
  plan_required: (f) =>
    `Feature rule: “${stringField(f, "feature") ?? "this feature"}” needs the ${stringField(f, "required_plan") ?? "a higher"} plan.`,
  tenant_mismatch: () => "Tenant rule: the resource belongs to another tenant.",
  owner_required: () => "Owner rule: only the owner or an admin of the same tenant may do this.",
  org_role_required: (f) =>
    `Org rule: ${stringField(f, "required_org_role") ?? "another"} role in this organization required.`,
  org_permission_required: (f) =>
    `Org rule: ${stringField(f, "required_org_permission") ?? "a permission"} in this organization required.`,
  not_found: () =>
    "Resource rule: not found. A missing id and another tenant’s resource look exactly alike, as do an org you are not in and one that does not exist.",
  last_org_admin: (f) =>
    `Org rule: ${stringField(f, "org") ?? "the organization"} must keep at least one admin; name another admin first.`,
  rate_limited: (f) => {
    const retry = stringField(f, "retry_after");
    return `Rate-limit rule: ${stringField(f, "limit") ?? "the"} calls per window used up${retry ? `; retry in ${retry} s` : ""}.`;
  },
  invalid_request: () => "Validation: the request’s parameters or body were rejected.",
  payload_too_large: () => "Validation: the request body is too large.",
  unsupported_media_type: () => "Validation: the body was not sent as JSON.",
  authorization_error: () => "Fail-closed: the kit could not decide, so it denied.",
  authorization_unavailable: () =>
    "Fail-closed: a store the kit needs is unavailable, so it denied.",
};

function isDenyCode(code: string): code is DenyCode {
  return Object.hasOwn(RULES, code);
}

/**
 * One line on which rule decided, from the response alone: the kit's stable `code` (the same in
 * plain JSON and RFC 9457 bodies) and its cause-specific fields. The server never sends its
 * internal rule name, so this is what any client could tell.
 */
export function describeOutcome(status: number, body: unknown, policy: string): string {
  if (status >= 200 && status < 300) {
    return `Allowed by policy “${policy}”${status === 204 ? ": done, nothing to return" : ""}.`;
  }
  const fields: Fields =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body))
      : {};
  const code = stringField(fields, "code");
  if (code !== null && isDenyCode(code)) return RULES[code](fields);
  return `Not a kit refusal: HTTP ${status}${code ? ` (${code})` : ""}.`;
}

/** The response headers the console shows, in this order, when present. */
export const SHOWN_HEADERS = [
  "X-Request-Id",
  "WWW-Authenticate",
  "Retry-After",
  "RateLimit",
  "RateLimit-Policy",
  "Cache-Control",
  "Content-Type",
] as const;

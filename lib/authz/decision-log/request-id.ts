/**
 * Request ids: one per request, shared by the middleware's event and the handler's, and returned
 * as `X-Request-Id`. A client cannot choose its id: an incoming `X-Request-Id` is kept only when a
 * trusted proxy wrote it (the same trust model as client addresses), and the id the middleware
 * hands on to the handler travels with an HMAC tag the handler checks. Edge-safe.
 */
import type { HmacTagger } from "./hmac";

/** The response (and trusted-proxy request) header. */
export const REQUEST_ID_HEADER = "x-request-id";
/** The request header the middleware forwards the id in: `<id>.<tag>`. */
export const FORWARDED_ID_HEADER = "x-authz-request-id";

// What a proxy's id may look like: short, printable, nothing a log line or a header could split on.
const ID_SHAPE = /^[\w.:@+-]{1,128}$/;

/** A fresh id: a random UUID (Web Crypto, so Edge and Node alike). */
export const newRequestId = (): string => crypto.randomUUID();

/** Whether an incoming id has a safe shape; anything else is replaced. */
export const isRequestIdShape = (value: string | null): value is string =>
  value !== null && ID_SHAPE.test(value);

/** `<id>.<tag>`, or null without a secret (the handler then makes its own id). */
export function signForwardedId(tagger: HmacTagger, id: string): string | null {
  const tag = tagger.tag(id);
  return tag === null ? null : `${id}.${tag}`;
}

/** The id of a forwarded `<id>.<tag>` whose tag is right, else null. */
export function verifyForwardedId(tagger: HmacTagger, forwarded: string | null): string | null {
  if (forwarded === null) return null;
  const dot = forwarded.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = forwarded.slice(0, dot);
  if (!ID_SHAPE.test(id)) return null;
  return tagger.isValidTag(id, forwarded.slice(dot + 1)) ? id : null;
}

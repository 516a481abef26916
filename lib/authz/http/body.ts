/**
 * Reading a request's JSON body for a route handler: the media type first, then a size limit that
 * holds for chunked bodies too, then the parse. Every failure is a refusal, never an exception.
 */
import { deny, type Deny } from "../decide/decision";
import type { FieldIssue } from "../decide/schema";

/** The 400 refusal for input that does not validate, with the field issues when there are some. */
export const badRequest = (message: string, issues: readonly FieldIssue[] = []): Deny =>
  deny("invalid_request", message, {
    rule: "validation",
    details: issues.length > 0 ? { issues } : {},
  });

/**
 * Reads the body as UTF-8 text, stopping as soon as it exceeds `maxBytes` (null then). A body sent
 * without Content-Length (chunked) is never buffered past the limit: `request.text()` would read an
 * endless stream until the process runs out of memory.
 */
async function readTextUpTo(request: Request, maxBytes: number): Promise<string | null> {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

// A JSON body must say so: a form or text/plain post (what a cross-site page can send without a
// preflight) never reaches a handler that expects JSON.
const isJsonType = (contentType: string | null): boolean =>
  contentType !== null && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

export async function readJsonBody(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | Deny> {
  if (!isJsonType(request.headers.get("content-type"))) {
    return deny("unsupported_media_type", "Request body must be sent as application/json", {
      rule: "validation",
    });
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    return deny("payload_too_large", `Request body is larger than ${maxBytes} bytes`, {
      rule: "validation",
    });
  const text = await readTextUpTo(request, maxBytes);
  if (text === null)
    return deny("payload_too_large", `Request body is larger than ${maxBytes} bytes`, {
      rule: "validation",
    });
  if (text.trim() === "") return badRequest("Request body must be JSON");
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return badRequest("Request body must be JSON");
  }
}

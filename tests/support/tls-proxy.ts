/**
 * A TLS-terminating reverse proxy for end-to-end tests over HTTPS, as a deployment puts one in
 * front of `next start`: it answers HTTPS with a certificate made for this run by the `openssl`
 * CLI (self-signed, for localhost and 127.0.0.1), and forwards plain HTTP to the upstream with
 * `X-Forwarded-Proto: https`, `X-Forwarded-Host` and `X-Forwarded-For` set from the connection.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TlsProxy {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

/** The openssl binary: `OPENSSL_BIN`, else /usr/bin/openssl; null when absent. */
export function findOpenssl(): string | null {
  const bin = process.env.OPENSSL_BIN ?? "/usr/bin/openssl";
  return existsSync(bin) ? bin : null;
}

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const openssl = findOpenssl();
  if (!openssl) throw new Error("openssl not found: install it with `apt-get install -y openssl`");
  const dir = mkdtempSync(path.join(tmpdir(), "authz-tls-"));
  try {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    execFileSync(
      openssl,
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "pipe" },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the proxy on a free loopback port in front of `upstream` (an `http://` origin).
 *
 * @example
 * const proxy = await startTlsProxy(server.url); // then browse proxy.url
 */
export async function startTlsProxy(upstream: string): Promise<TlsProxy> {
  const target = new URL(upstream);
  const server = createServer(selfSignedCertificate(), (req, res) => {
    const headers = { ...req.headers };
    headers["x-forwarded-proto"] = "https";
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

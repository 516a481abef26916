/**
 * SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), synchronous, for the two digests the kit takes on
 * every request: the request id's tag and an API key's lookup hash. Web Crypto gives the same bytes
 * (the tests use it as the oracle) but only through a promise that runs each call as a job on
 * another thread: for a 36-byte message that hop costs far more than the hashing, and under load
 * it was a tenth of a logged request's time. Keys and secrets are still handled by Web Crypto
 * everywhere else. Edge-safe: plain arithmetic on typed arrays.
 */

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
const INITIAL = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const BLOCK = 64;
// One message schedule, reused: the functions below never yield, so no two calls share it.
const w = new Uint32Array(64);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** Absorbs the 64-byte block at `offset` of `bytes` into `state`. */
function compress(state: Uint32Array, bytes: Uint8Array, offset: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, BLOCK);
  for (let i = 0; i < 16; i++) w[i] = view.getUint32(i * 4);
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 =
      (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  // Uint32Array stores each sum modulo 2^32, as the standard adds.
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
  state[4] = state[4]! + e;
  state[5] = state[5]! + f;
  state[6] = state[6]! + g;
  state[7] = state[7]! + h;
}

/**
 * The digest of `message` hashed on from `start`, a state that has already absorbed `absorbed`
 * bytes (whole blocks): the padding counts them, which is what lets HMAC precompute its two pads.
 */
function finish(start: Uint32Array, absorbed: number, message: Uint8Array): Uint8Array {
  const state = start.slice();
  const whole = message.length - (message.length % BLOCK);
  for (let offset = 0; offset < whole; offset += BLOCK) compress(state, message, offset);
  const rest = message.length - whole;
  const tail = new Uint8Array(rest + 9 > BLOCK ? 2 * BLOCK : BLOCK);
  tail.set(message.subarray(whole));
  tail[rest] = 0x80;
  const bits = (absorbed + message.length) * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(tail.length - 4, bits >>> 0);
  for (let offset = 0; offset < tail.length; offset += BLOCK) compress(state, tail, offset);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, state[i]!);
  return out;
}

/**
 * SHA-256 of `message`.
 *
 * @example
 * const digest = sha256(new TextEncoder().encode("abc")); // ba7816bf…
 */
export function sha256(message: Uint8Array): Uint8Array {
  return finish(INITIAL, 0, message);
}

/**
 * HMAC-SHA256 with `key`, its two padded key blocks absorbed once: each call then hashes only the
 * message (two compressions for a short one).
 *
 * @example
 * const mac = hmacSha256(new TextEncoder().encode(secret));
 * const tag = mac(new TextEncoder().encode(requestId));
 */
export function hmacSha256(key: Uint8Array): (message: Uint8Array) => Uint8Array {
  const block = new Uint8Array(BLOCK);
  block.set(key.length > BLOCK ? sha256(key) : key);
  const pad = (byte: number) => {
    const state = INITIAL.slice();
    compress(
      state,
      block.map((b) => b ^ byte),
      0,
    );
    return state;
  };
  const inner = pad(0x36);
  const outer = pad(0x5c);
  return (message) => finish(outer, BLOCK, finish(inner, BLOCK, message));
}

/**
 * Whether two byte strings are equal, in time that depends on their length only, never on where
 * they differ: the comparison for a MAC.
 *
 * @example
 * bytesEqual(hmacSha256(key)(message), givenTag); // false for any other tag
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

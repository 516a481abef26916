import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesEqual, hmacSha256, sha256 } from "@/lib/authz/crypto/sha256";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const text = (value: string) => new TextEncoder().encode(value);

// Every length around the padding's edges (55/56/64 bytes) and the multi-block ones.
const LENGTHS = [0, 1, 3, 31, 32, 36, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000];

describe("sha256 (the synchronous digest the request id and API key lookups take)", () => {
  it("gives FIPS 180-4's test vectors", () => {
    expect(hex(sha256(text("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(hex(sha256(text("")))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("agrees with Web Crypto and node:crypto at every padding edge", async () => {
    for (const length of LENGTHS) {
      const message = new Uint8Array(randomBytes(length));
      const ours = hex(sha256(message));
      expect(ours, `length ${length}`).toBe(createHash("sha256").update(message).digest("hex"));
      expect(ours).toBe(hex(new Uint8Array(await crypto.subtle.digest("SHA-256", message))));
    }
  });
});

describe("hmacSha256", () => {
  it("gives RFC 4231's test case 2 and a long-key case", () => {
    const mac = hmacSha256(text("Jefe"))(text("what do ya want for nothing?"));
    expect(hex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a 131-byte key, hashed first.
    const key = new Uint8Array(131).fill(0xaa);
    const long = hmacSha256(key)(text("Test Using Larger Than Block-Size Key - Hash Key First"));
    expect(hex(long)).toBe("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  });

  it("agrees with Web Crypto's HMAC for keys and messages of every edge length", async () => {
    for (const keyLength of [1, 32, 63, 64, 65, 200]) {
      const key = new Uint8Array(randomBytes(keyLength));
      const mac = hmacSha256(key);
      const webKey = await crypto.subtle.importKey(
        "raw",
        key,
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      for (const length of LENGTHS) {
        const message = new Uint8Array(randomBytes(length));
        const ours = hex(mac(message));
        const theirs = hex(new Uint8Array(await crypto.subtle.sign("HMAC", webKey, message)));
        expect(ours, `key ${keyLength}, message ${length}`).toBe(theirs);
        expect(ours).toBe(createHmac("sha256", key).update(message).digest("hex"));
      }
    }
  });

  it("keeps each key's pads apart: one key's calls never change another's", () => {
    const a = hmacSha256(text("key a"));
    const b = hmacSha256(text("key b"));
    const before = hex(a(text("id")));
    b(text("something else entirely, longer than one block ".repeat(3)));
    expect(hex(a(text("id")))).toBe(before);
    expect(hex(b(text("id")))).not.toBe(before);
  });
});

describe("bytesEqual", () => {
  it("is true only for the same bytes: one bit off, a prefix or a longer string is false", () => {
    const tag = hmacSha256(text("key"))(text("id"));
    expect(bytesEqual(tag, tag.slice())).toBe(true);
    for (let i = 0; i < tag.length; i++) {
      const flipped = tag.slice();
      flipped[i] = flipped[i]! ^ 1;
      expect(bytesEqual(tag, flipped), `byte ${i}`).toBe(false);
    }
    expect(bytesEqual(tag, tag.subarray(0, 31))).toBe(false);
    expect(bytesEqual(tag, new Uint8Array([...tag, 0]))).toBe(false);
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});

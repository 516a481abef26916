// tests/dashboard.test.ts in an app that signs its own `session` cookie (no next-auth needed).
import { expect, it } from "vitest";
import { requestFor, signedSessionCookie } from "@/lib/authz/testing";
import { session } from "./account-claims";

it("reads user 1 from the cookie the app would set", async () => {
  const cookie = await signedSessionCookie(
    { user: { id: 1 }, expires: new Date(Date.now() + 86_400_000).toISOString() },
    { secret: process.env.AUTH_SECRET ?? "" },
  );
  const outcome = await session.read(requestFor("/dashboard", { cookie }));
  expect(outcome.status).toBe("ok");
});

// The floor plus Auth.js: its `auth()` middleware wrapper around a pass-through, JWT sessions.
import { NextResponse } from "next/server";
import NextAuth from "next-auth";

const { auth } = NextAuth({ providers: [], session: { strategy: "jwt" }, trustHost: true });

export default auth(() => NextResponse.next());

export const config = { matcher: ["/ping"] };

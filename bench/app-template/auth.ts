import NextAuth from "next-auth";

// Reads JWT sessions only: the benchmark signs its cookie with encode() from next-auth/jwt.
export const { auth } = NextAuth({ providers: [], session: { strategy: "jwt" }, trustHost: true });

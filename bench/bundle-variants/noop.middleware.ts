// The platform's floor: a middleware that imports nothing of the kit and only passes requests on.
import { NextResponse } from "next/server";

export default function middleware() {
  return NextResponse.next();
}

export const config = { matcher: ["/ping"] };

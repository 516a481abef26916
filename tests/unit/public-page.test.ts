/**
 * publicPage / publicLayout: the mark the entry-point report reads, and the definition errors for a
 * missing reason or component.
 */
import { describe, expect, it } from "vitest";
import { guardOf } from "@/lib/authz/entry/route";
import { publicLayout, publicPage } from "@/lib/authz/entry/public-page";
import { expectConfigError } from "../support/config-error";

describe("publicPage / publicLayout", () => {
  it("marks the component with its reason and returns it unchanged", () => {
    const Page = () => null;
    expect(publicPage("marketing page", Page)).toBe(Page);
    expect(guardOf(Page)).toEqual({ kind: "public", reason: "marketing page", entry: "page" });
    const Layout = () => null;
    publicLayout("shell only", Layout);
    expect(guardOf(Layout)).toEqual({ kind: "public", reason: "shell only", entry: "layout" });
  });

  it("refuses a blank reason or a missing component at definition", () => {
    expect(
      expectConfigError(() => publicPage("  ", () => null), "invalid_page_guard").message,
    ).toBe("Invalid publicPage: it needs a reason");
    expect(
      expectConfigError(() => publicLayout("shell", "div" as never), "invalid_page_guard").message,
    ).toBe("Invalid publicLayout: expected a component");
  });
});

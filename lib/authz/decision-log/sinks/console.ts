import type { DecisionSink } from "../sink";

/**
 * One JSON line per event on standard output, prefixed so log tooling can pick them out; on
 * hosted platforms this is what a log drain collects.
 *
 * @example
 * const sink = consoleSink(); // {"authz":"decision","time":"...","layer":"route",...}
 */
export function consoleSink(options: { readonly log?: (line: string) => void } = {}): DecisionSink {
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    name: "console",
    write(event) {
      log(JSON.stringify({ authz: "decision", ...event }));
    },
  };
}

/** Whether this run is under CI: `CI` set to anything but "", "0" or "false" (any case). */
export function isCI(env?: Readonly<Record<string, string | undefined>>): boolean;

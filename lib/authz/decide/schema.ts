/**
 * The Standard Schema interface (standardschema.dev) that zod 4, valibot and arktype implement:
 * the kit validates params and bodies through it, so it depends on no validator's runtime.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] };

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The validated type a schema yields. */
export type OutputOf<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;

/** One failed field, as a 400 body lists it: a dotted path and the validator's message. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Runs a schema; the value on success, the field issues otherwise.
 *
 * @example
 * const result = await validate(z.object({ id: z.string() }), params);
 * if (!result.ok) return badRequest(result.issues);
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): Promise<
  | { readonly ok: true; readonly value: OutputOf<S> }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] }
> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return { ok: true, value: result.value as OutputOf<S> };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
      message: issue.message,
    })),
  };
}

import { z } from 'zod';

/**
 * The format of fixtures/demo/<site>/site.yaml: one imitation CMS server for `draftleak demo`.
 * Text bodies and headers may contain {{origin}} (this site's own origin), {{site:<name>}} (the
 * origin of another demo site) and {{path}} (the request's path, without the query); they are
 * replaced when the response is served.
 */

const headersSchema = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name'), z.string());

/** What a response carries. At most one of body, json and body_file; none means an empty body. */
const responseFields = {
  status: z.number().int().min(100).max(599),
  headers: headersSchema.default({}),
  /** A text body, sent as written. */
  body: z.string().optional(),
  /** A JSON body, serialised; content-type defaults to application/json. */
  json: z.json().optional(),
  /** A file beside site.yaml (relative path, inside the site folder). */
  body_file: z
    .string()
    .min(1)
    .refine((file) => !file.startsWith('/') && !file.split(/[\\/]/).includes('..'), 'must be a relative path inside the site folder')
    .optional(),
};

function oneBodyAtMost(value: { body?: unknown; json?: unknown; body_file?: unknown }, context: z.RefinementCtx): void {
  const given = (['body', 'json', 'body_file'] as const).filter((key) => value[key] !== undefined);
  if (given.length > 1) {
    context.addIssue({ code: 'custom', path: [given[1] ?? 'body'], message: `give only one of body, json and body_file (found ${given.join(', ')})` });
  }
}

export const demoResponseSchema = z.strictObject(responseFields).superRefine(oneBodyAtMost);

export const demoRouteSchema = z
  .strictObject({
    /** Path plus exact query, e.g. "/wp-json/wp/v2/posts?per_page=100"; compared after percent-decoding. */
    path: z.string().startsWith('/', 'must start with "/"').refine((path) => !path.includes('#'), 'must not contain a fragment'),
    /** GET routes also answer HEAD, without a body. */
    method: z.enum(['GET', 'POST']).default('GET'),
    ...responseFields,
  })
  .superRefine(oneBodyAtMost);

export const demoSiteSchema = z.strictObject({
  /** Must equal the folder name; other sites refer to it as {{site:<name>}}. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-" only'),
  description: z.string().min(1),
  /** What the server answers for any request no route matches. */
  not_found: demoResponseSchema,
  /** Added to every response (route headers win on a clash). */
  headers: headersSchema.default({}),
  routes: z.array(demoRouteSchema).default([]),
});

export type DemoResponse = z.infer<typeof demoResponseSchema>;
export type DemoRoute = z.infer<typeof demoRouteSchema>;
export type DemoSiteConfig = z.infer<typeof demoSiteSchema>;

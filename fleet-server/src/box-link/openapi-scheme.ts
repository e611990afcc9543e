import type { SwaggerTransform } from '@fastify/swagger';

/** Name of the box-signature security scheme in the OpenAPI document. */
export const BOX_SIGNATURE_SCHEME = 'boxSignature';

/**
 * The scheme as OpenAPI describes it. OpenAPI has no type for a signature over the request,
 * so it is stated as the header that names the box, with the rest in the description.
 */
export const boxSignatureScheme = {
  type: 'apiKey',
  in: 'header',
  name: 'x-box-id',
  description:
    'An enrolled box signs each request with its Ed25519 key: headers x-box-id, ' +
    'x-box-timestamp (ms since the epoch, within 5 minutes of the server clock) and ' +
    'x-box-signature over "JUKEBOX-BOX-V1\\n{METHOD}\\n{path and query}\\n{timestamp}\\n' +
    '{sha256 hex of the body}" (see @jukebox/crypto box-request.ts).',
} as const;

/**
 * Declares {@link boxSignatureScheme} in the document being built, as a route-level swagger
 * transform on a route hidden from the document.
 *
 * Why this way: the security schemes are fixed in openapi.ts, and @fastify/swagger throws on
 * a route whose `security` names an undeclared scheme. The document is built route by route
 * in registration order and each route's transform runs before the route is described (even
 * for hidden ones), so a hidden route registered before every box-authenticated route (the
 * control channel's, first in the box-link module, which runs before the content module) can
 * add the scheme in time. Once openapi.ts declares it itself, this becomes a no-op.
 */
export const declareBoxSignatureScheme: SwaggerTransform = ({ schema, url, ...doc }) => {
  if ('openapiObject' in doc) {
    const components = (doc.openapiObject.components ??= {});
    const schemes = (components.securitySchemes ??= {});
    schemes[BOX_SIGNATURE_SCHEME] ??= { ...boxSignatureScheme };
  }
  return { schema, url };
};

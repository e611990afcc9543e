import fastifySwagger from '@fastify/swagger';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicRoute, STAFF_SESSION_SCHEME } from './auth/staff-auth.js';
import type { FleetApp, FleetModule } from './context.js';
import { errorResponses } from './errors.js';
import { FLEET_SERVER_VERSION } from './version.js';
import { BOX_SIGNATURE_SCHEME, boxSignatureScheme } from './box-link/openapi-scheme.js';

/**
 * Collects every route's zod schemas into an OpenAPI 3 document. Must be registered before
 * the routes it should describe (it listens for them as they are added).
 */
export async function registerOpenApi(app: FleetApp): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Jukebox fleet server',
        description:
          'Staff API of the fleet server. Errors are `{ error: { code, message, fields? } }`.',
        version: FLEET_SERVER_VERSION,
      },
      components: {
        securitySchemes: {
          [STAFF_SESSION_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description: 'Session token from POST /api/v1/auth/login',
          },
          [BOX_SIGNATURE_SCHEME]: boxSignatureScheme,
        },
      },
    },
    transform: createJsonSchemaTransform({ zodToJsonConfig: { target: 'openapi-3.0' } }),
    transformObject: jsonSchemaTransformObject,
  });
}

/** Serves the document at /openapi.json (for consoles, client generators and the fuzz test). */
export const openApiModule: FleetModule = {
  name: 'openapi',
  register(app) {
    app.get(
      '/openapi.json',
      {
        schema: {
          ...publicRoute,
          summary: 'This API as an OpenAPI 3 document',
          tags: ['meta'],
          response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
        },
      },
      // The plugin hangs swagger() on the root instance; modules run in child scopes of it.
      async () => app.swagger() as unknown as Record<string, unknown>,
    );
  },
};

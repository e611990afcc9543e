/** Reported in the OpenAPI document and /healthz. */
export const FLEET_SERVER_VERSION = '0.1.0';

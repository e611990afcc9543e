/**
 * @jukebox/crypto: the fleet's cryptography on node:crypto alone. Canonical JSON and b64u,
 * box and server keys, signatures (requests, enrollment, hello, manifests), the JBX1
 * encrypted blob format, and content-key wrapping for one box.
 */
export * from './b64u.js';
export * from './canonical-json.js';
export * from './keys.js';
export * from './signature.js';
export * from './fleet-messages.js';
export * from './box-request.js';
export * from './manifest.js';
export * from './key-wrap.js';
export * from './jbx1/index.js';

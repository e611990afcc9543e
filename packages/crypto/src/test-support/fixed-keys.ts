/**
 * Deterministic keys for known-answer tests: a private key from a fixed 32-byte seed, so the
 * published RFC 8032 (Ed25519) and RFC 7748 (X25519) test vectors can be checked.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyPair } from '../keys.js';

// PKCS#8 DER prefixes for a bare 32-byte seed (RFC 8410): the seed follows directly.
const PKCS8_PREFIX = {
  ed25519: '302e020100300506032b657004220420',
  x25519: '302e020100300506032b656e04220420',
};

export function keyPairFromSeed(kind: 'ed25519' | 'x25519', seed: number | string): KeyPair {
  const seedBytes = typeof seed === 'number' ? Buffer.alloc(32, seed) : Buffer.from(seed, 'hex');
  const der = Buffer.concat([Buffer.from(PKCS8_PREFIX[kind], 'hex'), seedBytes]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** RFC 8032 section 7.1, TEST 1 (empty message). */
export const RFC8032_TEST1 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

/** RFC 7748 section 6.1: Alice's and Bob's X25519 keys and their shared secret. */
export const RFC7748 = {
  alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
};

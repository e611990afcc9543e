import { writeFileSync } from 'node:fs';
import {
  generateBoxIdentity,
  rawPublicKeyB64u,
  signHello,
  type BoxIdentity,
} from '@jukebox/crypto';
import { newBoxId } from '@jukebox/fleet-server';
import { MAX_CONTROL_MESSAGE_BYTES } from '@jukebox/protocol';
import WebSocket from 'ws';
import { epochMs, serveRequests, type IpcMessage } from './fleet-ipc.js';
import type { SeedBoxKeys } from './fleet-seed.js';

/*
 * The fleet-boxes benchmark's simulated boxes: thousands of control channel clients in this
 * one process (so the server's memory is the server's alone). Each has a real identity and,
 * against the fleet server, answers the challenge with a hello signed over its nonce, as a box
 * does; against the bare reference server it only waits for the first frame. Driven by the
 * benchmark over IPC:
 *
 *   identities {count, file}      make boxes; write their ids and public keys to `file`
 *   connect {url, mode, concurrency}  open every channel; the time it took, failures
 *   expect {version}              resolves once every client has a manifest notice of
 *                                 `version`: the wall-clock time of the first and the last
 *   close                         close every socket
 */

interface Client {
  id: string;
  identity: BoxIdentity;
  socket: WebSocket | null;
  noticeAt: Map<number, number>;
}

const clients: Client[] = [];
let expecting: { version: number; remaining: number; resolve: () => void } | null = null;
let protocolErrors = 0;

function onNotice(client: Client, version: number): void {
  client.noticeAt.set(version, epochMs());
  if (expecting && expecting.version === version && --expecting.remaining === 0) {
    expecting.resolve();
  }
}

/** One channel: resolves when the server welcomed the box (or, bare, sent its first frame). */
function open(client: Client, url: string, mode: 'fleet' | 'bare'): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/box/ws`, {
      perMessageDeflate: false,
      maxPayload: MAX_CONTROL_MESSAGE_BYTES,
    });
    client.socket = socket;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    socket.on('error', (err) => settle(err));
    socket.on('close', (code) => settle(new Error(`closed (${code}) before the welcome`)));
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as IpcMessage;
      if (mode === 'bare') settle();
      switch (message.type) {
        case 'challenge':
          if (mode === 'fleet') {
            const hello = signHello(
              {
                type: 'hello' as const,
                boxId: client.id,
                timestamp: Date.now(),
                nonce: String(message.nonce),
                softwareVersion: '1.4.2',
                ackedManifestVersion: 0,
                lastTelemetrySeq: 0,
              },
              client.identity.signing.privateKey,
            );
            socket.send(JSON.stringify(hello));
          }
          break;
        case 'welcome':
          settle();
          break;
        case 'ping':
          socket.send('{"type":"pong"}');
          break;
        case 'manifest-notice':
          onNotice(client, Number(message.version));
          break;
        case 'error':
          protocolErrors += 1;
          settle(new Error(`refused: ${String(message.code)} ${String(message.message)}`));
          break;
      }
    });
  });
}

/** Opens every channel, at most `concurrency` handshakes at a time. */
async function connectAll(url: string, mode: 'fleet' | 'bare', concurrency: number) {
  const t = performance.now();
  let next = 0;
  let failed = 0;
  let firstError = '';
  const worker = async () => {
    while (next < clients.length) {
      const client = clients[next++]!;
      await open(client, url, mode).catch((err: Error) => {
        failed += 1;
        firstError ||= err.message;
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - t, failed, firstError };
}

serveRequests(async (m) => {
  switch (m.type) {
    case 'identities': {
      const keys: SeedBoxKeys[] = [];
      for (let i = 0; i < Number(m.count); i++) {
        const identity = generateBoxIdentity();
        const id = newBoxId();
        clients.push({ id, identity, socket: null, noticeAt: new Map() });
        keys.push({
          id,
          signing: rawPublicKeyB64u(identity.signing.publicKey),
          agreement: rawPublicKeyB64u(identity.agreement.publicKey),
        });
      }
      writeFileSync(String(m.file), JSON.stringify(keys));
      return {};
    }
    case 'connect':
      return connectAll(String(m.url), m.mode === 'bare' ? 'bare' : 'fleet', Number(m.concurrency));
    case 'expect': {
      const version = Number(m.version);
      const waiting = clients.filter((c) => !c.noticeAt.has(version)).length;
      if (waiting > 0) {
        await new Promise<void>((resolve) => {
          expecting = { version, remaining: waiting, resolve };
        });
      }
      expecting = null;
      const times = clients.map((c) => c.noticeAt.get(version)!);
      return { firstAt: Math.min(...times), lastAt: Math.max(...times), count: times.length };
    }
    case 'close': {
      await Promise.all(
        clients.map(
          (c) =>
            new Promise<void>((resolve) => {
              const s = c.socket;
              c.socket = null;
              c.noticeAt.clear();
              if (!s || s.readyState === WebSocket.CLOSED) return resolve();
              s.once('close', () => resolve());
              s.close(1000, 'bench done');
              // A server that never answers the close is not worth waiting for.
              setTimeout(() => s.terminate(), 5000).unref();
            }),
        ),
      );
      return { protocolErrors };
    }
    default:
      throw new Error(`unknown request ${m.type}`);
  }
});
process.send?.({ type: 'ready' });

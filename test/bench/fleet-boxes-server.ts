import { buildServer, loadConfig } from '@jukebox/fleet-server';
import { epochMs, serveRequests } from './fleet-ipc.js';

/*
 * The fleet server for the fleet-boxes benchmark: what `fleet-server serve` runs (the same
 * buildServer, every module, listening), plus an IPC hand for the benchmark:
 *
 *   notify {version}   sends a manifest notice to every box, as the manifest job does after
 *                      issuing (ctx.link.notifyManifest per box); the wall-clock start
 *   count              how many channels are open here
 */

const configFile = process.argv[2];
if (!configFile) throw new Error('usage: fleet-boxes-server.ts CONFIG');
const server = await buildServer(loadConfig({ file: configFile }));
const url = await server.listen();
const ctx = server.context;
let boxIds: string[] | null = null;

serveRequests(async (m) => {
  switch (m.type) {
    case 'notify': {
      boxIds ??= (await ctx.db.selectFrom('boxes').select('id').execute()).map((r) => r.id);
      const startedAt = epochMs();
      for (const id of boxIds) ctx.link.notifyManifest(id, Number(m.version));
      return { startedAt, loopMs: epochMs() - startedAt };
    }
    case 'count':
      return { open: ctx.link.channel.size };
    default:
      throw new Error(`unknown request ${m.type}`);
  }
});
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
process.send?.({ type: 'ready', url });

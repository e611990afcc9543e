// Child script for runner.test.ts: starts an endless ffmpeg, prints its pid, exits without
// cleaning up. The runner's exit hook must take the ffmpeg down with it.
import { spawnFfmpeg } from '../runner.js';

const p = spawnFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-']);
p.stdout.once('end', () => undefined);
setTimeout(() => {
  process.stdout.write(`${p.pid}\n`, () => process.exit(0));
}, 200);

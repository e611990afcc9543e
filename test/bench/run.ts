// Benchmarks: each prints its figures next to a reference measured in the same run, and a
// ratio. Nothing here asserts: a slow machine reports, it does not fail.
import { benchCdImage } from './cd-image.js';
import { benchFirstSample } from './first-sample.js';
import { benchFleetBoxes } from './fleet-boxes.js';
import { benchFleetResume } from './fleet-resume.js';
import { benchFleetSync } from './fleet-sync.js';
import { benchFleetTelemetry } from './fleet-telemetry.js';
import { benchImport } from './import.js';
import { benchSearch } from './search.js';

const all = {
  search: benchSearch,
  import: benchImport,
  'first-sample': benchFirstSample,
  'cd-image': benchCdImage,
  'fleet-sync': benchFleetSync,
  'fleet-resume': benchFleetResume,
  'fleet-telemetry': benchFleetTelemetry,
  'fleet-boxes': benchFleetBoxes,
};
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in all)) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(all).join(', ')}`);
    process.exit(2);
  }
}
console.log(`# Benchmarks (${new Date().toISOString()}, node ${process.version})`);
for (const [name, run] of Object.entries(all)) {
  if (wanted.length && !wanted.includes(name)) continue;
  await run();
}

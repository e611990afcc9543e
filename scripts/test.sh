#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, checks types, lint and formatting, then runs
# the unit and integration suites (vitest) and the browser e2e suite (Playwright + Chromium).
# PostgreSQL suites run when DATABASE_URL is set (.ci/run sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup"
bash scripts/setup.sh

step "build"
npm run build --silent

step "lint"
# The tests are type-checked too: the project build leaves them out (tsconfig.tests.json covers
# the unit tests and test/integration; e2e and bench have their own).
npx tsc -p tsconfig.tests.json && npx tsc -p test/e2e && npx tsc -p test/bench
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

step "unit and integration tests (vitest)"
unit_rc=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || unit_rc=$?

step "end-to-end tests (Playwright, Chromium)"
e2e_rc=0
(cd test/e2e && PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test --reporter=list,json) || e2e_rc=$?

# One closing line for humans and CI: "N passed, N failed".
node -e '
const fs = require("fs");
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
const v = read(process.argv[1]); const e = read(process.argv[2]);
let passed = 0, failed = 0, skipped = 0;
if (v) { passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + v.numTodoTests; }
if (e && e.stats) { passed += e.stats.expected; failed += e.stats.unexpected + e.stats.flaky; skipped += e.stats.skipped; } // no retries: a flaky test is a failure
if (!v || !e) failed += 1; // a suite that produced no report counts as a failure
let line = `${passed} passed, ${failed} failed, ${skipped} skipped`;
// A runner can fail with every test green (vitest: an unhandled error during the run).
const [unitRc, e2eRc] = [Number(process.argv[3]), Number(process.argv[4])];
if (unitRc !== 0 && v && v.numFailedTests === 0) line += `; vitest exited ${unitRc} (unhandled errors, see above)`;
if (e2eRc !== 0 && e && e.stats && e.stats.unexpected + e.stats.flaky === 0) line += `; playwright exited ${e2eRc}`;
console.log(`\n${line}`);
' "$results/vitest.json" "$results/e2e.json" "$unit_rc" "$e2e_rc"

exit $(( unit_rc != 0 || e2e_rc != 0 ))

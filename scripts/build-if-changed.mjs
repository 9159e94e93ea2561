// Runs a package.json build script only when a file it compiles changed since it last succeeded,
// so starting an app whose sources did not change takes no build: `node scripts/build-if-changed.mjs
// build:libs build:explorer`. A script's inputs are listed below; its stamp is written on success.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = {
  'build:libs': [
    'libs/tracing/src',
    'libs/tracing/package.json',
    'libs/tracing/tsconfig.lib.json',
    'libs/tracing/tsconfig.cjs.json',
    'libs/common/src',
    'tsconfig.json',
  ],
  'build:explorer': ['apps/trace-explorer/src', 'apps/trace-explorer/ui', 'apps/trace-explorer/tsconfig.app.json', 'tsconfig.json'],
};
/** A file each build writes: without it the build runs, whatever the stamp says. */
const OUTPUTS = {
  'build:libs': ['libs/tracing/dist/index.js', 'libs/common/dist/index.js'],
  'build:explorer': ['dist/apps/trace-explorer/main.js', 'dist/apps/trace-explorer/ui/main.js'],
};
const STAMPS = 'dist/.build-stamps';

/** The newest modification time under `path`, unit tests left out (no build compiles them). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith('.spec.ts') ? 0 : stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

for (const script of process.argv.slice(2)) {
  const inputs = INPUTS[script];
  if (!inputs) throw new Error(`${script}: no inputs listed in scripts/build-if-changed.mjs`);
  const stamp = join(STAMPS, script.replace(':', '-'));
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (OUTPUTS[script].every((output) => existsSync(output)) && Math.max(...inputs.map(newest)) < built) continue;
  const started = Date.now();
  execFileSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(stamp, new Date(started).toISOString());
  // Stamped with the time the build started: a file saved during it builds again next time.
  const seconds = started / 1000;
  utimesSync(stamp, seconds, seconds);
}

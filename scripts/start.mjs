#!/usr/bin/env node
/**
 * `npm start` and `npm run start:dev`: the trace explorer and both sample services, each service
 * started with the tracing preload, every output prefixed with its name. Settings come from the
 * environment, then `.env`, then these defaults: tracing on, each trace printed here as a tree and
 * sent with the services' log lines to the explorer.
 *
 *   node scripts/start.mjs         the built apps (npm start builds them first)
 *   node scripts/start.mjs --dev   `nest start --watch` for each app
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const PRELOAD = '--import nestjs-tracing/register';
const dev = process.argv.includes('--dev');

// Variables already set in the shell win over .env (loadEnvFile does not overwrite them).
if (existsSync('.env')) process.loadEnvFile('.env');
// The console exporter writes a tree per trace; a short batch delay shows it right after the request,
// and colours survive the pipe through this script when it writes to a terminal.
const explorerPort = process.env.TRACE_EXPLORER_PORT ?? '16700';
const explorer = `http://127.0.0.1:${explorerPort}`;
const shared = {
  ENABLE_TRACING: 'true',
  TRACING_EXPORTER: 'console,otlp',
  OTLP_ENDPOINT: explorer,
  OTEL_LOGS_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${explorer}/v1/logs`,
  OTEL_BSP_SCHEDULE_DELAY: '300',
  OTEL_BLRP_SCHEDULE_DELAY: '300',
  ...(process.stdout.isTTY && process.env.NO_COLOR === undefined ? { FORCE_COLOR: '1' } : {}),
  ...process.env,
};
const emailPort = process.env.EMAIL_SERVICE_PORT ?? '3001';
const emailTcpPort = process.env.EMAIL_TCP_PORT ?? '3002';
const usersPort = process.env.USERS_API_PORT ?? '3000';

const services = [
  // Without the preload: the explorer never traces the requests that bring it the others' spans.
  { name: 'trace-explorer', color: 33, env: { TRACE_EXPLORER_PORT: explorerPort }, untraced: true },
  { name: 'email-service', color: 35, env: { PORT: emailPort, EMAIL_TCP_PORT: emailTcpPort } },
  {
    name: 'users-api',
    color: 36,
    // The outbox delivers welcome emails over Nest's TCP transport; an http:// URL would use POST /emails.
    env: { PORT: usersPort, EMAIL_SERVICE_URL: process.env.EMAIL_SERVICE_URL ?? `tcp://localhost:${emailTcpPort}` },
  },
];

function command(name, untraced) {
  if (untraced) return [process.execPath, [`dist/apps/${name}/main.js`]];
  if (!dev) return [process.execPath, [...PRELOAD.split(' '), `dist/apps/${name}/main.js`]];
  const nest = createRequire(import.meta.url).resolve('@nestjs/cli/bin/nest.js');
  return [process.execPath, [nest, 'start', name, '--watch', '--preserveWatchOutput', '--exec', `node ${PRELOAD}`]];
}

const children = services.map(({ name, color, env, untraced }) => {
  const [file, args] = command(name, untraced);
  const child = spawn(file, args, { env: { ...shared, ...env } });
  const prefix = `\x1b[${color}m[${name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
  }
  return { name, child };
});

process.stdout.write(
  `trace explorer http://localhost:${explorerPort}\nusers-api      http://localhost:${usersPort}\nemail-service  http://localhost:${emailPort}\n` +
    `try: curl -i -X POST localhost:${usersPort}/users -H 'content-type: application/json' ` +
    `-d '{"email":"ada@example.com","name":"Ada","password":"correct-horse"}'\n`,
);

let stopping = false;
function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (child.exitCode === null) child.kill(signal);
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

// One service dying takes the other down: a half-running system would only confuse.
let remaining = children.length;
for (const { name, child } of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`${name} exited (${code ?? signal}); stopping the others\n`);
    stopAll('SIGTERM');
    if (code) process.exitCode = code;
    if (--remaining === 0) process.exit();
  });
}

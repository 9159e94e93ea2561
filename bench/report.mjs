/** The table and budget lines `npm run bench` prints from its JSON report. */

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** Per configuration and endpoint: medians over rounds, ratios to "off" from the same round. */
export function summarise(report) {
  const summary = {};
  for (const { name } of report.configurations) {
    const rounds = report.rounds.map((round) => round[name]);
    const off = report.rounds.map((round) => round.off);
    summary[name] = {
      startupMs: median(rounds.map((round) => round.startupMs)),
      rssAfterStartMiB: median(rounds.map((round) => round.rssAfterStartMiB)),
      peakRssMiB: median(rounds.map((round) => round.peakRssMiB)),
      startupAddedMs: median(rounds.map((round, index) => round.startupMs - off[index].startupMs)),
      rssAddedMiB: median(rounds.map((round, index) => round.rssAfterStartMiB - off[index].rssAfterStartMiB)),
      endpoints: Object.fromEntries(
        report.endpoints.map((endpoint) => {
          const runs = rounds.map((round) => round.endpoints[endpoint]);
          const baseline = off.map((round) => round.endpoints[endpoint]);
          return [
            endpoint,
            {
              requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
              ratioToOff: median(runs.map((run, index) => run.requestsPerSecond / baseline[index].requestsPerSecond)),
              p50Ms: median(runs.map((run) => run.p50Ms)),
              p99Ms: median(runs.map((run) => run.p99Ms)),
              p99AddedMs: median(runs.map((run, index) => run.p99Ms - baseline[index].p99Ms)),
              cpuPercent: median(runs.map((run) => run.cpuPercent)),
              errors: runs.reduce((sum, run) => sum + run.errors, 0),
            },
          ];
        }),
      ),
    };
  }
  return summary;
}

export function budgets(report, summary) {
  const ours = summary['ours-100'];
  const sampled = summary['ours-10'];
  const main = ['GET /users/:id', 'POST /users'];
  const micro = report.micro.nsPerCall;
  const checks = [
    ...main.map((endpoint) => [
      `100 % sampling >= 0.90x untraced, ${endpoint}`,
      ours.endpoints[endpoint].ratioToOff,
      (value) => value >= 0.9,
      (value) => `${fixed(value, 3)}x`,
    ]),
    ...main.map((endpoint) => [
      `10 % sampling >= 0.97x untraced, ${endpoint}`,
      sampled.endpoints[endpoint].ratioToOff,
      (value) => value >= 0.97,
      (value) => `${fixed(value, 3)}x`,
    ]),
    ['p99 added <= 1 ms, GET /users/:id', ours.endpoints['GET /users/:id'].p99AddedMs, (value) => value <= 1, (value) => `${fixed(value, 2)} ms`],
    ...report.endpoints.flatMap((endpoint) =>
      // Every peer measured in this run; the OpenTelemetry floor is a reference, not a peer.
      report.configurations
        .map(({ name }) => name)
        .filter((name) => !['off', 'ours-100', 'ours-10', 'otel-floor'].includes(name) && summary[name])
        .map((other) => [
          `ours ahead of ${other}, ${endpoint}`,
          ours.endpoints[endpoint].requestsPerSecond / summary[other].endpoints[endpoint].requestsPerSecond,
          (value) => value > 1,
          (value) => `${fixed(value, 3)}x theirs`,
        ]),
    ),
    ['@Span sync <= 1.2x bare startActiveSpan', micro.spanSync / micro.bareSync, (value) => value <= 1.2, (value) => `${fixed(value, 2)}x`],
    ['@Span async <= 1.2x bare startActiveSpan', micro.spanAsync / micro.bareAsync, (value) => value <= 1.2, (value) => `${fixed(value, 2)}x`],
    ['startup added <= 300 ms', ours.startupAddedMs, (value) => value <= 300, (value) => `${fixed(value, 0)} ms`],
    ['RSS added <= 40 MiB', ours.rssAddedMiB, (value) => value <= 40, (value) => `${fixed(value, 1)} MiB`],
  ];
  return checks.map(([name, value, passes, format]) => ({ name, value, met: passes(value), shown: format(value) }));
}

export function printReport(report) {
  const summary = summarise(report);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(
    `machine: ${report.machine.cpus} CPUs, Node ${report.machine.node}; app on core 0, load on core 1; ${report.machine.settings.rounds} round(s) of ${report.machine.settings.seconds} s, ${report.machine.settings.connections} connections`,
  );
  for (const endpoint of report.endpoints) {
    out(`\n${endpoint}`);
    out('configuration                      req/s    x off   p50 ms   p99 ms  +p99 ms   CPU %  peak RSS MiB  errors');
    for (const { name, label } of report.configurations) {
      const row = summary[name].endpoints[endpoint];
      out(
        `${label.padEnd(32)} ${fixed(row.requestsPerSecond, 0).padStart(7)} ${fixed(row.ratioToOff, 3).padStart(8)} ${fixed(row.p50Ms).padStart(8)} ${fixed(row.p99Ms).padStart(8)} ${fixed(row.p99AddedMs).padStart(8)} ${fixed(row.cpuPercent, 0).padStart(7)} ${fixed(summary[name].peakRssMiB, 0).padStart(13)} ${String(row.errors).padStart(7)}`,
      );
    }
  }
  out('\nstartup                        first request ms  RSS after start MiB');
  for (const { name, label } of report.configurations) {
    out(`${label.padEnd(32)} ${fixed(summary[name].startupMs, 0).padStart(14)} ${fixed(summary[name].rssAfterStartMiB, 1).padStart(20)}`);
  }
  const micro = report.micro.nsPerCall;
  out(
    `\nmicro (ns per call): bare startActiveSpan sync ${fixed(micro.bareSync, 0)}, @Span sync ${fixed(micro.spanSync, 0)}, withSpan ${fixed(micro.withSpanSync, 0)}, bare async ${fixed(micro.bareAsync, 0)}, @Span async ${fixed(micro.spanAsync, 0)}`,
  );
  out('\nbudgets');
  for (const check of budgets(report, summary)) out(`  ${check.met ? 'met   ' : 'MISSED'} ${check.name}: ${check.shown}`);
}

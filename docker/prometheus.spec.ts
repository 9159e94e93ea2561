import { execFileSync } from 'node:child_process';

/** promtool comes with Debian's `prometheus` package, which `.ci/run` installs; without it this fails. */
function promtool(...args: string[]): string {
  return execFileSync('promtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('docker/prometheus', () => {
  it('has a valid scrape config whose rule files load', () => {
    expect(promtool('check', 'config', 'docker/prometheus/prometheus.yml')).toContain('SUCCESS: 1 rule files found');
  });

  it('has valid alert rules, the four documented alerts included', () => {
    expect(promtool('check', 'rules', 'docker/prometheus/alerts.yml')).toContain('SUCCESS: 4 rules found');
  });

  it('passes the alert unit tests: each alert fires when it should and not before', () => {
    expect(promtool('test', 'rules', 'docker/prometheus/alerts.test.yml')).toContain('SUCCESS');
  });
});

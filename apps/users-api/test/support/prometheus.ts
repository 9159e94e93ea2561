import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitUntil } from '@app/test-support';

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

interface ExemplarResult {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

/**
 * A real Prometheus from Debian's `prometheus` package, scraping the given targets every second
 * with exemplar storage on. Without the binary this fails: the tests never skip.
 */
export class PrometheusServer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly directory: string,
    readonly url: string,
  ) {}

  static async start(targets: Record<string, string>): Promise<PrometheusServer> {
    const directory = await mkdtemp(join(tmpdir(), 'prometheus-e2e-'));
    const scrapeConfigs = Object.entries(targets).map(([job, url]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ["${new URL(url).host}"]`);
    await writeFile(join(directory, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n${scrapeConfigs.join('\n')}\n`);
    const port = await freePort();
    const process = spawn(
      'prometheus',
      [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(directory, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
      ],
      { stdio: 'ignore' },
    );
    const server = new PrometheusServer(process, directory, `http://127.0.0.1:${port}`);
    await waitUntil(async () => ((await fetch(`${server.url}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 30_000);
    return server;
  }

  async query(expression: string): Promise<QueryResult[]> {
    return this.api<QueryResult[]>(`/api/v1/query?query=${encodeURIComponent(expression)}`);
  }

  async exemplars(expression: string, sinceSeconds = 600): Promise<ExemplarResult[]> {
    const end = Date.now() / 1000;
    return this.api<ExemplarResult[]>(`/api/v1/query_exemplars?query=${encodeURIComponent(expression)}&start=${end - sinceSeconds}&end=${end + 60}`);
  }

  async stop(): Promise<void> {
    this.process.kill('SIGTERM');
    await new Promise((resolve) => this.process.once('exit', resolve));
    await rm(this.directory, { recursive: true, force: true });
  }

  private async api<T>(path: string): Promise<T> {
    const body = (await (await fetch(`${this.url}${path}`)).json()) as { status: string; data: T | { result: T }; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return 'result' in (body.data as object) ? (body.data as { result: T }).result : (body.data as T);
  }
}

import { freePort, waitUntil } from '@app/test-support';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createDatabase, query, REDIS_URL } from '../../users-api/test/support/sample-system.js';

/**
 * The explorer in a real browser (Debian's chromium), beside the sample system started as
 * `npm start` starts it. Screenshots are kept in artifacts/trace-explorer/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('artifacts/trace-explorer');
const PASSWORD = 'correct-horse-battery';

/** Whether the segment passes through the box: sampled every pixel, which is exact enough for a drawing. */
function segmentCrossesBox([x1, y1, x2, y2]: number[], box: { x: number; y: number; width: number; height: number }): boolean {
  const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1));
  for (let step = 0; step <= steps; step++) {
    const [x, y] = [x1 + ((x2 - x1) * step) / steps, y1 + ((y2 - y1) * step) / steps];
    if (x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height) return true;
  }
  return false;
}

describe('the trace explorer in a browser, beside the sample system', () => {
  let system: ChildProcess;
  let output = '';
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let browser: Browser;
  let page: Page;
  let api: string;
  let explorer: string;
  let created: string;
  let failed: string;

  const screenshot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await createDatabase();
    const [usersPort, emailPort, emailTcpPort, explorerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${usersPort}`;
    explorer = `http://127.0.0.1:${explorerPort}`;
    const { PATH, HOME, TMPDIR } = process.env;
    system = spawn(process.execPath, ['scripts/start.mjs'], {
      env: {
        PATH,
        HOME,
        TMPDIR,
        NO_COLOR: '1',
        DATABASE_URL: database.url,
        REDIS_URL,
        USERS_API_PORT: String(usersPort),
        EMAIL_SERVICE_PORT: String(emailPort),
        EMAIL_TCP_PORT: String(emailTcpPort),
        TRACE_EXPLORER_PORT: String(explorerPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    system.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    system.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(
      () =>
        /\[users-api\].*listening on/.test(output) && /\[email-service\].*listening on/.test(output) && /trace explorer: http/.test(output) ? true : undefined,
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (dialog) => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });

    const signup = await fetch(`${api}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', name: 'Ada', password: PASSWORD }),
    });
    expect(signup.status).toBe(201);
    created = signup.headers.get('x-trace-id')!;
    await query(database.url, "ALTER TABLE users ADD CONSTRAINT users_name_allowed CHECK (name <> 'Forbidden Name')");
    const refused = await fetch(`${api}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bob@example.com', name: 'Forbidden Name', password: PASSWORD }),
    });
    expect(refused.status).toBe(500);
    failed = refused.headers.get('x-trace-id')!;
    await query(database.url, 'ALTER TABLE users DROP CONSTRAINT users_name_allowed');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (system && system.exitCode === null) {
      const exited = new Promise((done) => system.once('exit', done));
      system.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
  });

  it("opens /trace/<x-trace-id> with both services' spans nested under their callers, durations shown", async () => {
    type Detail = { spans: { spanId: string; parentSpanId: string; name: string; resource: { serviceName: string } }[] };
    const readDetail = async (): Promise<Detail> => {
      const response = await fetch(`${explorer}/api/explorer/traces/${created}`);
      // 404 until the first of its spans has arrived.
      return response.ok ? ((await response.json()) as Detail) : { spans: [] };
    };
    // The welcome email leaves through the outbox after the response, and each service exports in
    // its own batches: wait until the trace is whole (every parent arrived) and stays so for a second.
    let previous = -1;
    const whole = await waitUntil(async () => {
      const trace = await readDetail();
      const ids = new Set(trace.spans.map((span) => span.spanId));
      const complete =
        trace.spans.some((span) => span.resource.serviceName === 'email-service') &&
        trace.spans.every((span) => !span.parentSpanId || ids.has(span.parentSpanId));
      const stable = complete && trace.spans.length === previous;
      previous = complete ? trace.spans.length : -1;
      if (!stable) await new Promise((wait) => setTimeout(wait, 1_000));
      return stable ? trace : undefined;
    }, 30_000);
    await page.goto(`${explorer}/trace/${created}`);
    await waitUntil(async () => ((await page.locator('[data-testid=span-row]').count()) >= whole.spans.length ? true : undefined), 10_000);
    const rows = await page.locator('[data-testid=span-row]').evaluateAll((elements) =>
      elements.map((element) => ({
        id: element.getAttribute('data-span-id')!,
        depth: Number(element.getAttribute('data-depth')),
        text: element.textContent!,
        duration: element.querySelector('[data-testid=span-duration]')!.textContent!,
      })),
    );
    const detail = await readDetail();
    expect(rows[0]).toMatchObject({ depth: 0, text: expect.stringContaining('POST /users') });
    expect(rows[0].text).toContain('users-api');
    // Every span sits one level below its parent and after it.
    for (const row of rows) {
      const span = detail.spans.find((candidate) => candidate.spanId === row.id)!;
      if (!span.parentSpanId) continue;
      const parentIndex = rows.findIndex((candidate) => candidate.id === span.parentSpanId);
      expect(parentIndex).toBeGreaterThanOrEqual(0);
      expect(parentIndex).toBeLessThan(rows.indexOf(row));
      expect(row.depth).toBe(rows[parentIndex].depth + 1);
    }
    // npm start's outbox delivers over Nest's TCP transport: the email service's SERVER span is the
    // child of users-api's CLIENT span for the message.
    const emailServer = detail.spans.find((span) => span.resource.serviceName === 'email-service' && span.name === 'process email.send')!;
    const caller = detail.spans.find((span) => span.spanId === emailServer.parentSpanId)!;
    expect(caller).toMatchObject({ name: 'send email.send', resource: { serviceName: 'users-api' } });
    expect(rows.map((row) => row.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('send email.send'),
        expect.stringContaining('process email.send'),
        expect.stringContaining('event user.created'),
      ]),
    );
    for (const row of rows) expect(row.duration).toMatch(/^\d+(\.\d+)? (µs|ms|s)$/);
    // Each span's kind is on its row, and its whole label is on hover where the column cuts it.
    const kinds = await page.locator('[data-testid=span-kind]').allTextContents();
    expect(kinds[0]).toBe('server');
    expect(kinds).toEqual(expect.arrayContaining(['internal', 'client']));
    const titles = await page.locator('[data-testid=span-row] .label').evaluateAll((labels) => labels.map((label) => label.getAttribute('title')));
    expect(titles[0]).toBe('users-api POST /users (server)');
    // A time axis over the waterfall: round offsets from 0 to within the trace's duration.
    const ticks = await page.locator('[data-testid=tick]').allTextContents();
    expect(ticks[0]).toBe('0 µs');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    await screenshot('trace');
  }, 60_000);

  it("shows a span's attributes when it is clicked", async () => {
    await page.locator('[data-testid=span-row]').first().click();
    const attributes = page.locator('[data-testid=span-details] [data-testid=span-attributes]');
    await expect(attributes.locator('tr', { hasText: 'http.route' }).textContent()).resolves.toContain('/users');
    await expect(page.locator('[data-testid=span-details] h3').textContent()).resolves.toContain('POST /users');
    await screenshot('span-details');
  });

  it("shows the trace's log lines in time order, without the password", async () => {
    // Each service's lines arrive in their own batches; the page shows each as it comes.
    const lines = page.locator('[data-testid=log-line]');
    await lines.filter({ hasText: 'POST /users 201' }).first().waitFor({ timeout: 15_000 });
    await lines.filter({ hasText: 'email-service' }).first().waitFor({ timeout: 15_000 });
    const times = await lines.locator('.mono').allTextContents();
    const offsets = times.map((text) => Number.parseFloat(text.slice(1)) * (text.endsWith(' s') ? 1e6 : text.endsWith(' ms') ? 1e3 : 1));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    // Each line once: pino's transport sends it, and the library's pino instrumentation does not send it again.
    const bodies = await lines.locator('.body').allTextContents();
    expect(bodies.filter((body) => body === 'POST /users 201')).toHaveLength(1);
    expect(new Set(bodies).size).toBe(bodies.length);
    const stored = await (await fetch(`${explorer}/api/explorer/traces/${created}`)).text();
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain('scrypt$');
  });

  it('finds the 500 among the errors', async () => {
    await page.goto(`${explorer}/?errors=true`);
    const row = page.locator(`[data-testid=trace-row][data-trace-id="${failed}"]`);
    await row.waitFor({ timeout: 15_000 });
    await expect(row.locator('[data-testid=error-mark]').textContent()).resolves.toMatch(/error/);
    expect(await page.locator(`[data-testid=trace-row][data-trace-id="${created}"]`).count()).toBe(0);
    await screenshot('errors');
    // The service field suggests the services that sent spans; filtering by one keeps only its traces.
    await page.locator('[data-testid=filter-service]').focus();
    await page.locator('#service-names option[value="email-service"]').waitFor({ state: 'attached' });
    await page.locator('[data-testid=filter-errors]').uncheck();
    await page.locator('[data-testid=filter-service]').fill('email-service');
    await page.locator('[data-testid=filter-service]').press('Enter');
    await page.waitForURL(/service=email-service/);
    // The list of the search before (errors off, no service) may still be shown: wait for this one's.
    await page.locator(`[data-testid=trace-row][data-trace-id="${failed}"]`).waitFor({ state: 'detached' });
    await expect(page.locator(`[data-testid=trace-row][data-trace-id="${created}"]`).waitFor()).resolves.toBeUndefined();
    expect(await page.locator(`[data-testid=trace-row][data-trace-id="${failed}"]`).count()).toBe(0);
    await page.goto(`${explorer}/?errors=true`);
    await row.click();
    await page.waitForURL(`**/trace/${failed}`);
    await page.locator('[data-testid=span-row].error').first().waitFor();
  });

  it('shows a new request in the list as it arrives, without a reload', async () => {
    await page.goto(`${explorer}/`);
    await page.locator('[data-testid=trace-row]').first().waitFor();
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    const response = await fetch(`${api}/users?limit=5`);
    expect(response.status).toBe(200);
    await page.locator(`[data-testid=trace-row][data-trace-id="${response.headers.get('x-trace-id')}"]`).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await screenshot('live-list');
  });

  it('lists a GraphQL request with its operation beside the root, and finds it by the operation', async () => {
    const traceId = 'a1b2'.repeat(8);
    const now = Date.now() * 1e6;
    const span = (spanId: string, parentSpanId: string, name: string, kind: number, attributes: Record<string, string> = {}) => ({
      traceId,
      spanId,
      parentSpanId,
      name,
      kind,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 5e6),
      attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
    });
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'catalog-api' } }] },
          scopeSpans: [
            {
              scope: { name: 'test' },
              spans: [
                span('0000000000000001', '', 'POST /graphql', 2),
                span('0000000000000002', '0000000000000001', 'query GetProduct', 1, {
                  'graphql.operation.type': 'query',
                  'graphql.operation.name': 'GetProduct',
                }),
              ],
            },
          ],
        },
      ],
    };
    expect((await fetch(`${explorer}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(
      200,
    );
    await page.goto(`${explorer}/?operation=${encodeURIComponent('query GetProduct')}`);
    const row = page.locator(`[data-testid=trace-row][data-trace-id="${traceId}"]`);
    await row.waitFor();
    expect(await page.locator('[data-testid=trace-row]').count()).toBe(1);
    expect(await row.locator('.root').textContent()).toBe('catalog-api POST /graphql · query GetProduct');
    await screenshot('graphql-operation');
  });

  const postSpans = async (service: string, spans: Record<string, unknown>[]) => {
    const body = {
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'odd' }, spans }] },
      ],
    };
    const response = await fetch(`${explorer}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  };
  const oddSpan = (
    traceId: string,
    spanId: string,
    parentSpanId: string,
    name: string,
    offsetMs: number,
    attributes: { key: string; value: { stringValue: string } }[] = [],
  ) => {
    const start = Date.now() * 1e6 + offsetMs * 1e6;
    return { traceId, spanId, parentSpanId, name, kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1e6), attributes };
  };

  it('draws every span of odd traces (a parent cycle, a span its own parent, a duplicate id), marked, and keeps a resent span once', async () => {
    const cycle = 'c1c1'.repeat(8);
    await postSpans('odd', [
      oddSpan(cycle, 'a'.repeat(16), 'c'.repeat(16), 'cycle a', 1),
      oddSpan(cycle, 'b'.repeat(16), 'a'.repeat(16), 'cycle b', 2),
      oddSpan(cycle, 'c'.repeat(16), 'b'.repeat(16), 'cycle c', 3),
    ]);
    const self = '5e1f'.repeat(8);
    await postSpans('odd', [oddSpan(self, 'a'.repeat(16), 'a'.repeat(16), 'own parent', 1), oddSpan(self, 'b'.repeat(16), 'a'.repeat(16), 'its child', 2)]);
    const duplicate = 'd0d0'.repeat(8);
    const resent = oddSpan(duplicate, 'e'.repeat(16), '', 'root', 0);
    await postSpans('odd', [
      resent,
      oddSpan(duplicate, 'f'.repeat(16), 'e'.repeat(16), 'first f', 1),
      oddSpan(duplicate, 'f'.repeat(16), 'e'.repeat(16), 'second f', 2),
    ]);
    await postSpans('odd', [resent]);

    const drawn = async (traceId: string) => {
      await page.goto(`${explorer}/trace/${traceId}`);
      await page.locator('[data-testid=span-row]').first().waitFor();
      return page.locator('[data-testid=span-row]').evaluateAll((rows) => rows.map((row) => row.querySelector('.label')!.textContent!.replace(/^odd /, '')));
    };
    expect(await drawn(cycle)).toEqual(['cycle a (cycle)', 'cycle b', 'cycle c']);
    expect(await drawn(self)).toEqual(['own parent (own parent)', 'its child']);
    expect(await drawn(duplicate)).toEqual(['root', 'first f', 'second f (duplicate id)']);
    expect(await page.locator('[data-testid=trace-id]').locator('..').textContent()).toContain(' · 3 spans · ');
    await screenshot('odd-trace');
  });

  it('serves and shows a span with 150 000 attributes', async () => {
    const traceId = '150a'.repeat(8);
    const attributes = Array.from({ length: 150_000 }, (_, index) => ({ key: `attribute.${index}`, value: { stringValue: 'x' } }));
    await postSpans('wide', [oddSpan(traceId, '1'.repeat(16), '', 'wide span', 0, attributes)]);
    expect((await fetch(`${explorer}/api/traces/${traceId}`)).status).toBe(200);
    expect((await fetch(`${explorer}/api/traces?service=wide&lookback=1h`)).status).toBe(200);
    expect((await fetch(`${explorer}/api/explorer/traces/${traceId}`)).status).toBe(200);
    await page.goto(`${explorer}/trace/${traceId}`);
    await page.locator('[data-testid=span-row]').first().click();
    // The first thousand at once; the rest on demand, as laying out 150 000 rows takes a browser seconds.
    expect(await page.locator('[data-testid=span-attributes] tr').count()).toBe(1_000);
    expect(await page.locator('[data-testid=more-attributes]').textContent()).toBe('show the other 149000');
    expect(await page.locator('[data-testid=span-attributes] tr').last().textContent()).toBe('attribute.999x');
    expect(await page.locator('[data-testid=trace-id]').locator('..').textContent()).toMatch(/ · 1 span · wide$/);
  }, 60_000);

  it('renders attribute values holding HTML, scripts and 100 KB as text', async () => {
    const traceId = 'feed'.repeat(8);
    const hostile = { markup: '<img src=x onerror="window.pwned=1"><b>bold</b>', script: '<script>window.pwned=1</script>', large: 'x'.repeat(100_000) };
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: '<i>evil-service</i>' } }] },
          scopeSpans: [
            {
              scope: { name: 'hostile' },
              spans: [
                {
                  traceId,
                  spanId: 'beef'.repeat(4),
                  name: '<svg onload="window.pwned=1">',
                  kind: 2,
                  startTimeUnixNano: String(Date.now() * 1e6),
                  endTimeUnixNano: String(Date.now() * 1e6 + 5e6),
                  attributes: Object.entries(hostile).map(([key, value]) => ({ key, value: { stringValue: value } })),
                },
              ],
            },
          ],
        },
      ],
    };
    expect((await fetch(`${explorer}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(
      200,
    );
    await page.goto(`${explorer}/trace/${traceId}`);
    await page.locator('[data-testid=span-row]').first().click();
    const cell = (key: string) =>
      page.locator('[data-testid=span-attributes] tr', { has: page.locator('th', { hasText: new RegExp(`^${key}$`) }) }).locator('td');
    expect(await cell('markup').textContent()).toBe(hostile.markup);
    expect(await cell('script').textContent()).toBe(hostile.script);
    expect(await cell('large').textContent()).toBe(hostile.large);
    expect(await page.locator('[data-testid=span-name]').first().textContent()).toBe('<svg onload="window.pwned=1">');
    expect(await page.locator('#content img, #content script, #content svg[onload], #content b, #content i').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await screenshot('hostile-attributes');
  });

  it('draws the service map with the services, their databases and the calls between them', async () => {
    await page.goto(`${explorer}/map`);
    const names = await page.locator('[data-testid=map-node] .node-name').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['users-api', 'email-service', 'postgresql', 'redis']));
    expect(await page.locator('[data-testid=map-edge-label]', { hasText: /\d+ calls? · / }).count()).toBeGreaterThanOrEqual(3);
    await screenshot('service-map');
    // Labels are drawn over every line and never over each other.
    type Box = { x: number; y: number; width: number; height: number };
    const boxes = await page.locator('[data-testid=map-edge-label]').evaluateAll((labels) =>
      labels.map((label) => {
        const { x, y, width, height } = (label as unknown as { getBBox(): Box }).getBBox();
        const lines = label.ownerDocument.querySelectorAll('.map polyline');
        // 4: Node.DOCUMENT_POSITION_FOLLOWING, the label comes after the last line.
        return { x, y, width, height, afterLastLine: (lines[lines.length - 1].compareDocumentPosition(label) & 4) !== 0 };
      }),
    );
    for (const box of boxes) expect(box.afterLastLine).toBe(true);
    // And clear of every line: no edge passes under a label.
    const routes: string[] = await page.locator('.map polyline').evaluateAll((elements) => elements.map((line) => line.getAttribute('points')!));
    const lines = routes.flatMap((points) => {
      const corners = points.split(' ').map((point: string) => point.split(',').map(Number));
      return corners.slice(1).map((end: number[], index: number) => [...corners[index], ...end]);
    });
    for (const box of boxes) for (const line of lines) expect({ box, line, crosses: segmentCrossesBox(line, box) }).toMatchObject({ crosses: false });
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap).toBe(false);
      }
    }
    const dependencies = (await (await fetch(`${explorer}/api/dependencies`)).json()) as { data: { parent: string; child: string; callCount: number }[] };
    expect(dependencies.data).toContainEqual({ parent: 'users-api', child: 'email-service', callCount: expect.any(Number) });
  });
});

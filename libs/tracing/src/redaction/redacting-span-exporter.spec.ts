import { jest } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { ExportResultCode } from '@opentelemetry/core';
import { makeSpans } from '../../test/span-factory.js';
import { REDACTED } from './redaction-defaults.js';
import { AttributeRedactor } from './attribute-redactor.js';
import { ITEMS_PER_TURN } from '../event-loop/in-turns.js';
import { RedactingSpanExporter, redactSpan } from './redacting-span-exporter.js';

describe('RedactingSpanExporter', () => {
  it('exports a redacted view of attributes and event attributes, keeping ids and the original span', async () => {
    const [span] = makeSpans(1);
    Object.assign(span.attributes, { 'user.password': 'pw', 'http.request.header.authorization': 'Bearer t' });
    span.events.push({ name: 'login', time: span.startTime, attributes: { token: 'abc', user: 'ann' } });
    const memory = new InMemorySpanExporter();
    const exporter = new RedactingSpanExporter(memory, new AttributeRedactor());

    const code = await new Promise((resolve) => exporter.export([span], (result) => resolve(result.code)));

    expect(code).toBe(ExportResultCode.SUCCESS);
    const [exported] = memory.getFinishedSpans();
    expect(exported.attributes['user.password']).toBe(REDACTED);
    expect(exported.attributes['http.request.header.authorization']).toBe(REDACTED);
    expect(exported.events.at(-1)!.attributes).toEqual({ token: REDACTED, user: 'ann' });
    expect(exported.spanContext()).toEqual(span.spanContext());
    expect(exported.name).toBe(span.name);
    expect(span.attributes['user.password']).toBe('pw');
  });

  it('passes spans without secrets through untouched', () => {
    const [span] = makeSpans(1);
    expect(redactSpan(span, new AttributeRedactor())).toBe(span);
  });
});

describe('RedactingSpanExporter with a batch larger than one slice', () => {
  it('redacts every span, keeps their order and calls back once', async () => {
    const spans = makeSpans(2 * ITEMS_PER_TURN + 1);
    for (const span of spans) Object.assign(span.attributes, { 'user.password': 'pw' });
    const memory = new InMemorySpanExporter();
    const callback = jest.fn();

    await new Promise<void>((resolve) =>
      new RedactingSpanExporter(memory, new AttributeRedactor()).export(spans, (result) => {
        callback(result);
        resolve();
      }),
    );

    expect(callback).toHaveBeenCalledTimes(1);
    expect(callback).toHaveBeenCalledWith({ code: ExportResultCode.SUCCESS });
    expect(memory.getFinishedSpans().map((span) => span.spanContext().spanId)).toEqual(spans.map((span) => span.spanContext().spanId));
    expect(memory.getFinishedSpans().every((span) => span.attributes['user.password'] === REDACTED)).toBe(true);
  });

  it('lets other work run before it redacts the last span', async () => {
    const spans = makeSpans(2 * ITEMS_PER_TURN + 1);
    const order: string[] = [];
    const last = spans.at(-1)!;
    const attributes = last.attributes;
    Object.defineProperty(last, 'attributes', {
      get: () => {
        order.push('last span redacted');
        return attributes;
      },
    });
    const memory = new InMemorySpanExporter();

    const exported = new Promise((resolve) => new RedactingSpanExporter(memory, new AttributeRedactor()).export(spans, resolve));
    setImmediate(() => order.push('other work'));
    await exported;

    expect(order[0]).toBe('other work');
    expect(order).toContain('last span redacted');
  });
});

import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { ExportResultCode } from '@opentelemetry/core';
import { makeSpans } from '../../test/span-factory.js';
import { REDACTED } from './redaction-defaults.js';
import { AttributeRedactor } from './attribute-redactor.js';
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

import { Span, type TraceService } from 'nestjs-tracing';
import type { EmailSender } from './email-sender.js';
import type { WelcomeEmailPayload } from './outbox-message.entity.js';

/** The email service's `POST /emails` (Node's fetch, traced by the undici instrumentation). */
export class HttpEmailSender implements EmailSender {
  private readonly url: string;

  constructor(
    serviceUrl: string,
    private readonly timeoutMs: number,
    private readonly traces: TraceService,
  ) {
    this.url = new URL('/emails', serviceUrl).href;
  }

  /** The idempotency key makes a retry after a lost response deliver nothing new. */
  @Span()
  async send(email: WelcomeEmailPayload, idempotencyKey: string): Promise<void> {
    this.traces.traceExternalCall({ service: 'email-service', endpoint: this.url, method: 'POST' });
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(email),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`email-service answered ${response.status}`);
  }
}

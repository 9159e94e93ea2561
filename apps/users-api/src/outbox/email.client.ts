import { Inject, Injectable } from '@nestjs/common';
import { Span, TraceService } from 'nestjs-tracing';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import type { WelcomeEmailPayload } from './outbox-message.entity.js';

/** The email service over HTTP (Node's fetch, traced by the undici instrumentation). */
@Injectable()
export class EmailClient {
  private readonly url: string;

  constructor(
    @Inject(USERS_API_CONFIG) private readonly config: UsersApiConfig,
    private readonly traces: TraceService,
  ) {
    this.url = new URL('/emails', config.emailServiceUrl).href;
  }

  /** The idempotency key makes a retry after a lost response deliver nothing new. */
  @Span()
  async send(email: WelcomeEmailPayload, idempotencyKey: string): Promise<void> {
    this.traces.traceExternalCall({ service: 'email-service', endpoint: this.url, method: 'POST' });
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(email),
      signal: AbortSignal.timeout(this.config.emailTimeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`email-service answered ${response.status}`);
  }
}

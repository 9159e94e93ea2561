import type { OnApplicationShutdown } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { EmailSender } from './email-sender.js';
import type { WelcomeEmailPayload } from './outbox-message.entity.js';

/** The email service's pattern for a delivery (its `SEND_EMAIL`). */
const SEND_EMAIL = 'email.send';

/**
 * The email service over Nest's TCP transport: `send` waits for its reply, which acknowledges the
 * delivery. The library traces the send and the service's handler as one trace, the context
 * travelling beside the payload.
 */
export class TcpEmailSender implements EmailSender, OnApplicationShutdown {
  private readonly client: ClientProxy;

  constructor(
    serviceUrl: string,
    private readonly timeoutMs: number,
  ) {
    const { hostname, port } = new URL(serviceUrl);
    this.client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: hostname, port: Number(port || 3002) } });
  }

  async send(email: WelcomeEmailPayload, idempotencyKey: string): Promise<void> {
    await firstValueFrom(this.client.send(SEND_EMAIL, { email, idempotencyKey }).pipe(timeout(this.timeoutMs)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

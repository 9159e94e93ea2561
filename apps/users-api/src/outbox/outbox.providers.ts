import type { Provider } from '@nestjs/common';
import { TraceService } from 'nestjs-tracing';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { EMAIL_SENDER, type EmailSender } from './email-sender.js';
import { HttpEmailSender } from './http-email-sender.js';
import { TcpEmailSender } from './tcp-email-sender.js';

/** `tcp://` sends over Nest's TCP transport, `http(s)://` to `POST /emails`. */
export const emailSenderProvider: Provider = {
  provide: EMAIL_SENDER,
  inject: [USERS_API_CONFIG, TraceService],
  useFactory: ({ emailServiceUrl, emailTimeoutMs }: UsersApiConfig, traces: TraceService): EmailSender =>
    emailServiceUrl.startsWith('tcp:') ? new TcpEmailSender(emailServiceUrl, emailTimeoutMs) : new HttpEmailSender(emailServiceUrl, emailTimeoutMs, traces),
};

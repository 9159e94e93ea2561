import { type DynamicModule, Module } from '@nestjs/common';
import { createLoggerModule, GracefulHttpShutdown } from '@app/common';
import { TracingModule } from 'nestjs-tracing';
import { EMAIL_SERVICE_CONFIG, type EmailServiceConfig } from './email-service.config.js';
import { EmailMessagesController } from './emails/email-messages.controller.js';
import { EmailsController } from './emails/emails.controller.js';
import { MailboxService } from './emails/mailbox.service.js';
import { HealthController } from './health/health.controller.js';

@Module({})
export class AppModule {
  static register(config: EmailServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [TracingModule.forRoot(), createLoggerModule()],
      controllers: [EmailsController, EmailMessagesController, HealthController],
      providers: [{ provide: EMAIL_SERVICE_CONFIG, useValue: config }, MailboxService, GracefulHttpShutdown],
    };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Span } from 'nestjs-tracing';

@Injectable()
export class CleanupJob {
  private readonly logger = new Logger(CleanupJob.name);

  @Interval('cleanup', 300)
  async run(): Promise<void> {
    const removed = await this.sweep();
    this.logger.log(`cleanup removed ${removed}`);
  }

  @Span()
  async sweep(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return 0;
  }
}

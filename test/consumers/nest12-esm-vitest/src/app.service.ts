import { Injectable } from '@nestjs/common';
import { Span } from 'nestjs-tracing';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }

  @Span()
  async findItem(id: string): Promise<{ id: string }> {
    return { id };
  }
}

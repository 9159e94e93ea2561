import { Module } from '@nestjs/common';
import { TracingModule } from 'nestjs-tracing';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

@Module({
  imports: [TracingModule.forRoot()],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}

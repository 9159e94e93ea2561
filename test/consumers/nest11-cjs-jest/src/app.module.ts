import { Module } from '@nestjs/common';
import { TracingModule } from 'nestjs-tracing';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [TracingModule.forRoot()],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}

import { Controller, Get, Param } from '@nestjs/common';
import { AppService } from './app.service';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }

  @Get('items/:id')
  getItem(@Param('id') id: string): Promise<{ id: string }> {
    return this.appService.findItem(id);
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TracingModule } from 'nestjs-tracing';
import { Order } from './order.entity.js';
import { OrdersController } from './orders.controller.js';
import { StockController } from './stock.controller.js';

@Module({
  imports: [
    TracingModule.forRoot(),
    TypeOrmModule.forRoot({
      type: 'mysql',
      url: process.env.MYSQL_URL ?? 'mysql://test:test@127.0.0.1:3306/test',
      entities: [Order],
      synchronize: true,
    }),
    TypeOrmModule.forFeature([Order]),
  ],
  controllers: [OrdersController, StockController],
})
export class AppModule {}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PRICE_ORDER } from '../orders.js';

@Controller()
export class PricingController {
  @MessagePattern(PRICE_ORDER)
  price(@Payload() order: { id: string }) {
    return { price: order.id.length * 10 };
  }
}

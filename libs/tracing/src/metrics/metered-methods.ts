import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { hasMeteredMethods, meterWith } from './metered.decorators.js';
import { MetricsService } from './metrics.service.js';

/** At startup, gives each singleton provider and controller with `@Counted` or `@Timed` methods this app's metrics. */
@Injectable()
export class MeteredMethods implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.isDependencyTreeStatic() ? (wrapper.instance as object | null | undefined) : undefined;
      if (instance && typeof instance === 'object' && hasMeteredMethods(instance)) meterWith(instance, this.metrics);
    }
  }
}

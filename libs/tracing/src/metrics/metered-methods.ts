import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { hasMeteredMethods, meterWith } from './metered.decorators.js';
import { MetricsService } from './metrics.service.js';

/** At startup, gives each singleton provider and controller with `@Counted` or `@Timed` methods this app's metrics. */
@Injectable()
export class MeteredMethods implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    // Optional: with a second copy of @nestjs/core (a linked checkout) it is another token, and
    // HttpServerHook then stops startup with the reason.
    @Optional() private readonly modules?: ModulesContainer,
  ) {}

  onModuleInit(): void {
    for (const module of this.modules?.values() ?? []) {
      for (const wrapper of [...module.providers.values(), ...module.controllers.values()]) {
        const instance = wrapper.isDependencyTreeStatic() ? (wrapper.instance as object | null | undefined) : undefined;
        if (instance && typeof instance === 'object' && hasMeteredMethods(instance)) meterWith(instance, this.metrics);
      }
    }
  }
}

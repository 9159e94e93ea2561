import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { Args, Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';

@ObjectType()
export class Recipe {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  title: string;
}

@Resolver(() => Recipe)
export class RecipesResolver {
  constructor(private readonly events: EventEmitter2) {}

  @Query(() => Recipe)
  async recipe(@Args('id', { type: () => ID }) id: string): Promise<Recipe> {
    await this.events.emitAsync('recipe.viewed', { id });
    return { id, title: `Recipe ${id}` };
  }
}

@Injectable()
export class ViewCounter {
  private readonly logger = new Logger(ViewCounter.name);

  @OnEvent('recipe.viewed')
  count(event: { id: string }): void {
    this.logger.log(`recipe ${event.id} viewed`);
  }
}

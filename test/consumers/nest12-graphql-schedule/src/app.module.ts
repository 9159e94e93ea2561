import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { TracingModule } from 'nestjs-tracing';
import { CleanupJob } from './cleanup.job.js';
import { RecipesResolver, ViewCounter } from './recipes.resolver.js';

@Module({
  imports: [
    TracingModule.forRoot(),
    ScheduleModule.forRoot(),
    EventEmitterModule.forRoot(),
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
  ],
  providers: [RecipesResolver, ViewCounter, CleanupJob],
})
export class AppModule {}

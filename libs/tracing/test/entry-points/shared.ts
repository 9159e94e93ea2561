/**
 * What both entry-point apps serve: a REST route the others call (so a span beneath an entry point
 * is easy to find), and a GraphQL schema with user-written resolvers, a field resolver under a
 * list, a mutation taking a password and a failing resolver.
 */
import { Controller, Get, Logger, Param, UnauthorizedException } from '@nestjs/common';
import { Args, Field, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';

let listening: (url: string) => void;
const url = new Promise<string>((resolve) => (listening = resolve));

/** Tells the calls below the app's own URL, once it listens; jobs may run before. */
export function listeningOn(appUrl: string): void {
  listening(appUrl);
}

export async function callSelf(path: string): Promise<unknown> {
  const response = await fetch(`${await url}${path}`);
  return response.json();
}

@Controller()
export class ItemsController {
  private readonly logger = new Logger(ItemsController.name);

  @Get('items/:id')
  find(@Param('id') id: string) {
    this.logger.log(`serving item ${id}`);
    return { id };
  }
}

@ObjectType()
export class Post {
  @Field()
  title!: string;
}

@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [Post])
  posts?: Post[];
}

@Resolver(() => User)
export class UsersResolver {
  @Query(() => User)
  async user(@Args('id', { type: () => ID }) id: string): Promise<User> {
    await callSelf(`/items/${id}`);
    return { id, name: `user ${id}` };
  }

  @Query(() => [User])
  users(@Args('count', { type: () => Int }) count: number): User[] {
    return Array.from({ length: count }, (_, index) => ({ id: String(index), name: `user ${index}` }));
  }

  @ResolveField(() => [Post])
  posts(@Parent() user: User): Post[] {
    return [{ title: `first post of ${user.name}` }];
  }

  @Mutation(() => Boolean)
  login(@Args('email') email: string, @Args('password') password: string): boolean {
    if (password !== 'correct horse') throw new UnauthorizedException(`wrong password for ${email}`);
    return true;
  }

  @Query(() => User)
  broken(): User {
    throw new Error('the broken resolver failed');
  }
}

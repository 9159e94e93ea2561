import { Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Span, TraceService } from 'nestjs-tracing';
import { UsersCache, type UserView } from '../cache/users-cache.js';
import { welcomeEmail, WELCOME_EMAIL } from '../outbox/welcome-email.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { ListUsersQuery } from './dto/list-users.query.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { toUserView } from './user-view.js';
import { USER_CREATED, type UserCreated } from './user-created.event.js';
import { UsersRepository } from './users.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserPage {
  items: UserView[];
  total: number;
  limit: number;
  offset: number;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: UsersCache,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
    private readonly traces: TraceService,
  ) {}

  /** The signup flow, with an event per step so its trace reads like the flow. */
  @Span()
  create({ email, name, password }: CreateUserDto): Promise<UserView> {
    return this.traces.withSpan('user.signup', { 'user.email_domain': email.split('@')[1] }, async () => {
      const passwordHash = await this.hasher.hash(password);
      this.traces.addSpanEvent('signup.password_hashed');
      const user = await this.users.createWithOutbox(
        { email, name, passwordHash },
        { type: WELCOME_EMAIL, payload: welcomeEmail(email, name), traceContext: this.traces.injectContext() },
      );
      this.traces.addSpanEvent('signup.user_created', { 'user.id': user.id });
      this.events.emit(USER_CREATED, { id: user.id } satisfies UserCreated);
      const view = toUserView(user);
      // A new user is usually read right after signing up.
      await this.cache.fillNew(view);
      return view;
    });
  }

  @Span()
  async findOne(id: string): Promise<UserView> {
    this.assertId(id);
    const { user: cached, ticket } = await this.cache.get(id);
    this.traces.addSpanAttributes({ 'cache.hit': cached !== undefined });
    if (cached) return cached;
    const user = await this.users.findById(id);
    if (!user) throw this.notFound(id);
    const view = toUserView(user);
    await this.cache.fill(view, ticket);
    return view;
  }

  @Span()
  async list({ limit, offset }: ListUsersQuery): Promise<UserPage> {
    const [users, total] = await this.users.list(limit, offset);
    return { items: users.map(toUserView), total, limit, offset };
  }

  @Span()
  async update(id: string, { password, ...changes }: UpdateUserDto): Promise<UserView> {
    this.assertId(id);
    const passwordHash = password === undefined ? undefined : await this.hasher.hash(password);
    const user = await this.users.update(id, passwordHash ? { ...changes, passwordHash } : changes);
    if (!user) throw this.notFound(id);
    await this.cache.invalidate(id);
    return toUserView(user);
  }

  @Span()
  async remove(id: string): Promise<void> {
    this.assertId(id);
    if (!(await this.users.delete(id))) throw this.notFound(id);
    await this.cache.invalidate(id);
  }

  /** A malformed id names no user: 404, as for an unknown one, rather than a database error. */
  private assertId(id: string): void {
    if (!UUID.test(id)) throw this.notFound(id);
  }

  private notFound(id: string): NotFoundException {
    return new NotFoundException(`user ${id} not found`);
  }
}

import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Span, TraceService } from 'nestjs-tracing';
import type { DataSource } from 'typeorm';
import { isUniqueViolation, withinDeadline } from '../database/postgres-errors.js';
import { databaseDeadlineMs } from '../database/typeorm-options.js';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { OutboxMessage } from '../outbox/outbox-message.entity.js';
import { User } from './user.entity.js';

export type NewUser = Pick<User, 'email' | 'name' | 'passwordHash'>;
export type UserChanges = Partial<NewUser>;
export type NewOutboxMessage = Pick<OutboxMessage, 'type' | 'payload' | 'traceContext'>;

const SYSTEM = 'postgresql';

/** Each method's database work is answered within the statement timeout's deadline (see `withinDeadline`). */
@Injectable()
export class UsersRepository {
  private readonly deadlineMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly traces: TraceService,
    @Inject(USERS_API_CONFIG) config: UsersApiConfig,
  ) {
    this.deadlineMs = databaseDeadlineMs(config);
  }

  /** The user and its welcome email commit together, or neither does. */
  @Span()
  async createWithOutbox(user: NewUser, message: NewOutboxMessage): Promise<User> {
    this.traces.traceDatabaseOperation({ operation: 'INSERT', table: 'users', system: SYSTEM });
    return this.bounded(() =>
      this.rethrowDuplicateEmail(() =>
        this.dataSource.transaction(async (manager) => {
          const saved = await manager.save(manager.create(User, user));
          await manager.insert(OutboxMessage, message);
          return saved;
        }),
      ),
    );
  }

  @Span()
  findById(id: string): Promise<User | null> {
    this.traces.traceDatabaseOperation({ operation: 'SELECT', table: 'users', system: SYSTEM });
    return this.bounded(() => this.dataSource.getRepository(User).findOneBy({ id }));
  }

  @Span()
  list(limit: number, offset: number): Promise<[User[], number]> {
    this.traces.traceDatabaseOperation({ operation: 'SELECT', table: 'users', system: SYSTEM });
    return this.bounded(() => this.dataSource.getRepository(User).findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset }));
  }

  @Span()
  update(id: string, changes: UserChanges): Promise<User | null> {
    this.traces.traceDatabaseOperation({ operation: 'UPDATE', table: 'users', system: SYSTEM });
    const users = this.dataSource.getRepository(User);
    return this.bounded(async () => {
      const user = await users.findOneBy({ id });
      if (!user) return null;
      return this.rethrowDuplicateEmail(() => users.save(users.merge(user, changes)));
    });
  }

  @Span()
  delete(id: string): Promise<boolean> {
    this.traces.traceDatabaseOperation({ operation: 'DELETE', table: 'users', system: SYSTEM });
    return this.bounded(async () => ((await this.dataSource.getRepository(User).delete({ id })).affected ?? 0) > 0);
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return withinDeadline(this.deadlineMs, work);
  }

  private async rethrowDuplicateEmail<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('email is already registered');
      throw error;
    }
  }
}

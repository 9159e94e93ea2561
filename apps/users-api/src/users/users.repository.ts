import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Span, TraceService } from 'nestjs-tracing';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { OutboxMessage } from '../outbox/outbox-message.entity.js';
import { User } from './user.entity.js';

export type NewUser = Pick<User, 'email' | 'name' | 'passwordHash'>;
export type UserChanges = Partial<NewUser>;
export type NewOutboxMessage = Pick<OutboxMessage, 'type' | 'payload' | 'traceContext'>;

const SYSTEM = 'postgresql';

@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly traces: TraceService,
  ) {}

  /** The user and its welcome email commit together, or neither does. */
  @Span()
  async createWithOutbox(user: NewUser, message: NewOutboxMessage): Promise<User> {
    this.traces.traceDatabaseOperation({ operation: 'INSERT', table: 'users', system: SYSTEM });
    return this.rethrowDuplicateEmail(() =>
      this.dataSource.transaction(async (manager) => {
        const saved = await manager.save(manager.create(User, user));
        await manager.insert(OutboxMessage, message);
        return saved;
      }),
    );
  }

  @Span()
  findById(id: string): Promise<User | null> {
    this.traces.traceDatabaseOperation({ operation: 'SELECT', table: 'users', system: SYSTEM });
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  @Span()
  list(limit: number, offset: number): Promise<[User[], number]> {
    this.traces.traceDatabaseOperation({ operation: 'SELECT', table: 'users', system: SYSTEM });
    return this.dataSource.getRepository(User).findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
  }

  @Span()
  async update(id: string, changes: UserChanges): Promise<User | null> {
    this.traces.traceDatabaseOperation({ operation: 'UPDATE', table: 'users', system: SYSTEM });
    const users = this.dataSource.getRepository(User);
    const user = await users.findOneBy({ id });
    if (!user) return null;
    return this.rethrowDuplicateEmail(() => users.save(users.merge(user, changes)));
  }

  @Span()
  async delete(id: string): Promise<boolean> {
    this.traces.traceDatabaseOperation({ operation: 'DELETE', table: 'users', system: SYSTEM });
    const result = await this.dataSource.getRepository(User).delete({ id });
    return (result.affected ?? 0) > 0;
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

import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import { TraceService } from 'nestjs-tracing';
import type { Redis } from 'ioredis';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { type CacheRead, type FillTicket, UsersCache, type UserView } from './users-cache.js';

const entryKey = (id: string) => `users:${id}`;
/** Counts a user's invalidations; a fill must have read the current count. */
const generationKey = (id: string) => `users:${id}:generation`;
/** Raised to drop every entry at once, after invalidations that could not reach Redis. */
const EPOCH_KEY = 'users:epoch';

/**
 * A generation outlives any fill that may still compare against it: fills later than
 * MAX_FILL_DELAY_MS after their read are dropped, and generations live ten times that.
 */
const MAX_FILL_DELAY_MS = 30_000;
const GENERATION_TTL_MS = 10 * MAX_FILL_DELAY_MS;

/** Entries are `<epoch>|<user JSON>`; an entry of another epoch is a miss. */
const FILL = `
local generation = redis.call('GET', KEYS[2]) or '0'
local epoch = redis.call('GET', KEYS[3]) or '0'
if generation ~= ARGV[1] or epoch ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], epoch .. '|' .. ARGV[3], 'EX', ARGV[4])
return 1`;

const INVALIDATE = `
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return 1`;

/**
 * The users cache on Redis. Guarantees, for one Redis:
 * - a fill never puts back a user that a write invalidated after the fill's database read
 *   (the generation check above, atomic in Redis);
 * - an invalidation that fails (Redis down or too slow) is made good before this instance uses the
 *   cache again: it raises the epoch, which turns every entry into a miss;
 * - while Redis fails, requests skip it (a circuit breaker) instead of waiting for command timeouts.
 *
 * A hit costs one GET: the epoch is known locally, read when Redis becomes usable and again every
 * `REDIS_RETRY_MS`, so other instances learn of a raised epoch within that time.
 */
@Injectable()
export class RedisUsersCache extends UsersCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly breaker: CircuitBreaker;
  private readonly epochTimer: NodeJS.Timeout;
  /** The epoch entries must carry to be served; unknown until first read from Redis. */
  private epoch?: string;
  /** Set when an invalidation was lost; cleared once the epoch has been raised. */
  private invalidationLost = false;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(USERS_API_CONFIG) private readonly config: UsersApiConfig,
    private readonly traces: TraceService,
  ) {
    super();
    this.breaker = new CircuitBreaker({
      name: 'Redis',
      retryMs: config.redisRetryMs,
      probe: () => this.redis.ping(),
      beforeClose: () => this.raiseEpochIfNeeded(),
    });
    this.epochTimer = setInterval(() => void this.refreshEpoch(), config.redisRetryMs);
    this.epochTimer.unref();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshEpoch();
  }

  onModuleDestroy(): void {
    clearInterval(this.epochTimer);
    this.breaker.stop();
  }

  async get(id: string): Promise<CacheRead> {
    const epoch = this.epoch ?? (await this.refreshEpoch());
    const entry = await this.attempt('get', () => this.redis.get(entryKey(id)));
    if (entry === undefined || epoch === undefined) return {};
    const separator = entry?.indexOf('|') ?? -1;
    if (entry && separator > 0 && entry.slice(0, separator) === epoch) {
      return { user: JSON.parse(entry.slice(separator + 1)) as UserView };
    }
    // A miss: the generation is read before the database is, so a write after this point stops the fill.
    const generation = await this.attempt('get', () => this.redis.get(generationKey(id)));
    if (generation === undefined) return {};
    return { ticket: { generation: generation ?? '0', epoch, readAt: Date.now() } };
  }

  async fill(user: UserView, ticket: FillTicket | undefined): Promise<void> {
    if (!ticket || Date.now() - ticket.readAt > MAX_FILL_DELAY_MS) return;
    await this.store(user, ticket.generation, ticket.epoch);
  }

  async fillNew(user: UserView): Promise<void> {
    const epoch = this.epoch ?? (await this.refreshEpoch());
    if (epoch !== undefined) await this.store(user, '0', epoch);
  }

  async invalidate(id: string): Promise<void> {
    const done = await this.attempt('invalidate', () => this.redis.eval(INVALIDATE, 2, entryKey(id), generationKey(id), GENERATION_TTL_MS));
    if (done === undefined) this.invalidationLost = true;
  }

  private async store(user: UserView, generation: string, epoch: string): Promise<void> {
    await this.attempt('fill', () =>
      this.redis.eval(FILL, 3, entryKey(user.id), generationKey(user.id), EPOCH_KEY, generation, epoch, JSON.stringify(user), this.config.cacheTtlSeconds),
    );
  }

  /** Commands are sent only while the circuit is closed and the client connected. */
  private get usable(): boolean {
    return !this.breaker.isOpen && this.redis.status === 'ready';
  }

  private async readEpoch(): Promise<string> {
    this.epoch = (await this.redis.get(EPOCH_KEY)) ?? '0';
    return this.epoch;
  }

  /** Reads the epoch when Redis is usable; runs on a timer, outside any request. */
  private async refreshEpoch(): Promise<string | undefined> {
    if (!this.usable) return this.epoch;
    try {
      return await this.readEpoch();
    } catch (error) {
      this.breaker.trip(error);
      return this.epoch;
    }
  }

  private async raiseEpochIfNeeded(): Promise<void> {
    if (!this.invalidationLost) {
      await this.readEpoch();
      return;
    }
    this.epoch = String(await this.redis.incr(EPOCH_KEY));
    this.invalidationLost = false;
  }

  /**
   * Runs a command unless the circuit is open or the client is not connected. A failure opens the
   * circuit and is recorded on the active span; the request goes on to the database.
   */
  private async attempt<T>(operation: string, command: () => Promise<T>): Promise<T | undefined> {
    if (!this.usable) {
      this.traces.addSpanEvent('cache.bypassed', { 'cache.operation': operation });
      if (!this.breaker.isOpen) this.breaker.trip(new Error(`connection ${this.redis.status}`));
      return undefined;
    }
    try {
      return await command();
    } catch (error) {
      this.breaker.trip(error);
      this.traces.recordException(error);
      this.traces.addSpanEvent('cache.error', { 'cache.operation': operation });
      return undefined;
    }
  }
}

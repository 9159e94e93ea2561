import { Logger, type OnApplicationBootstrap } from '@nestjs/common';

/** A user as the API shows it (and as the cache keeps it): never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/**
 * What a cache read saw, to be handed back to {@link UsersCache.fill}: a fill is dropped when the
 * user was invalidated after the read, so a slow reader cannot put back what a write removed.
 */
export interface FillTicket {
  readonly generation: string;
  readonly epoch: string;
  readonly readAt: number;
}

export interface CacheRead {
  user?: UserView;
  /** Absent when the cache is not in use: nothing is to be filled. */
  ticket?: FillTicket;
}

/**
 * Read-through cache of users. It never serves a user older than the last invalidation it was
 * told of, and it is best effort by contract: implementations never throw, so an outage of the
 * cache degrades to the database instead of failing the request.
 */
export abstract class UsersCache {
  abstract get(id: string): Promise<CacheRead>;
  /** Stores what the database returned, unless the user was invalidated since `ticket`'s read. */
  abstract fill(user: UserView, ticket: FillTicket | undefined): Promise<void>;
  /** Stores a user just created, which no reader can have seen before. */
  abstract fillNew(user: UserView): Promise<void>;
  abstract invalidate(id: string): Promise<void>;
}

export class DisabledUsersCache extends UsersCache implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('Cache').log('no REDIS_URL: the users cache is off');
  }

  async get(): Promise<CacheRead> {
    return {};
  }

  async fill(): Promise<void> {}

  async fillNew(): Promise<void> {}

  async invalidate(): Promise<void> {}
}

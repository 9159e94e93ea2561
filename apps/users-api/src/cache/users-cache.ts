import { Logger, type OnApplicationBootstrap } from '@nestjs/common';

/** A user as the API shows it (and as the cache keeps it): never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/**
 * Read-through cache of users. Best effort by contract: implementations never throw, so an outage
 * of the cache degrades to the database instead of failing the request.
 */
export abstract class UsersCache {
  abstract get(id: string): Promise<UserView | undefined>;
  abstract set(user: UserView): Promise<void>;
  abstract delete(id: string): Promise<void>;
}

export class DisabledUsersCache extends UsersCache implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('Cache').log('no REDIS_URL: the users cache is off');
  }

  async get(): Promise<undefined> {
    return undefined;
  }

  async set(): Promise<void> {}

  async delete(): Promise<void> {}
}

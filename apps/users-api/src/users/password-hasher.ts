import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';

const KEY_LENGTH = 64;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * scrypt from `node:crypto` (no native addon). The stored string names its parameters,
 * `scrypt$N$r$p$salt$hash`, so they can be raised later without breaking existing hashes.
 */
@Injectable()
export class PasswordHasher {
  private readonly params: { N: number; r: number; p: number };

  constructor(@Inject(USERS_API_CONFIG) config: Pick<UsersApiConfig, 'passwordScryptCost'>) {
    this.params = { N: config.passwordScryptCost, r: 8, p: 1 };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.params;
    const key = await derive(password, salt, this.params);
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }
}

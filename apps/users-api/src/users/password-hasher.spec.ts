import { scryptSync } from 'node:crypto';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  it('stores a salted scrypt hash that names its parameters and verifies against the password', async () => {
    const hasher = new PasswordHasher({ passwordScryptCost: 16384 });
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');

    const [scheme, n, r, p, salt, key] = first.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(first).not.toContain('correct horse');
    expect(second).not.toBe(first);
    const derived = scryptSync('correct horse', Buffer.from(salt, 'base64'), 64, { N: 16384, r: 8, p: 1 });
    expect(derived.toString('base64')).toBe(key);
  });

  it('uses the configured cost', async () => {
    const [, n] = (await new PasswordHasher({ passwordScryptCost: 1024 }).hash('pw')).split('$');
    expect(n).toBe('1024');
  });
});

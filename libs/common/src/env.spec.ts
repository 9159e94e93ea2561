import { AppConfigError, envInteger, envRate, envString, envUrl } from './env.js';

describe('env parsers', () => {
  it('use the fallback when unset or blank', () => {
    expect(envInteger({}, 'PORT', 3000)).toBe(3000);
    expect(envInteger({ PORT: '  ' }, 'PORT', 3000)).toBe(3000);
    expect(envRate({}, 'EMAIL_FAILURE_RATE', 0)).toBe(0);
    expect(envUrl({}, 'REDIS_URL', ['redis:'])).toBeUndefined();
    expect(envString({}, 'DATA_DIR', '.data')).toBe('.data');
  });

  it('parse valid values', () => {
    expect(envInteger({ PORT: '8080' }, 'PORT', 3000, { max: 65535 })).toBe(8080);
    expect(envRate({ RATE: '0.5' }, 'RATE', 0)).toBe(0.5);
    expect(envUrl({ REDIS_URL: 'redis://localhost:6379/2' }, 'REDIS_URL', ['redis:'])).toBe('redis://localhost:6379/2');
  });

  it.each([
    [() => envInteger({ PORT: 'eighty' }, 'PORT', 3000, { max: 65535 }), 'Invalid PORT="eighty": expected an integer from 0 to 65535'],
    [() => envRate({ EMAIL_FAILURE_RATE: '1.5' }, 'EMAIL_FAILURE_RATE', 0), 'Invalid EMAIL_FAILURE_RATE="1.5": expected a number from 0 to 1'],
    [() => envUrl({ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', ['postgres:', 'postgresql:']), 'expected a URL starting with postgres: or postgresql://'],
  ])('reject bad values with a message naming the variable', (parse, message) => {
    expect(parse).toThrow(AppConfigError);
    expect(parse).toThrow(message);
  });
});

import { ConfigError } from './config-error.js';
import { envBoolean, envChoice, envInteger, envList, envRate, envString, envUrl } from './env.js';

describe('env parsers', () => {
  it('use the fallback when unset or blank', () => {
    expect(envInteger({}, 'PORT', 3000)).toBe(3000);
    expect(envInteger({ PORT: '  ' }, 'PORT', 3000)).toBe(3000);
    expect(envRate({}, 'EMAIL_FAILURE_RATE', 0)).toBe(0);
    expect(envUrl({}, 'REDIS_URL', ['redis:'])).toBeUndefined();
    expect(envString({}, 'DATA_DIR', '.data')).toBe('.data');
    expect(envInteger({}, 'LIMIT')).toBeUndefined();
    expect(envRate({}, 'RATE')).toBeUndefined();
    expect(envList({ LIST: ' ' }, 'LIST', ['a'])).toBeUndefined();
  });

  it('parse valid values', () => {
    expect(envInteger({ PORT: '8080' }, 'PORT', 3000, { max: 65535 })).toBe(8080);
    expect(envRate({ RATE: '0.5' }, 'RATE', 0)).toBe(0.5);
    expect(envUrl({ REDIS_URL: 'redis://localhost:6379/2' }, 'REDIS_URL', ['redis:'])).toBe('redis://localhost:6379/2');
    expect(envBoolean({ ON: 'Yes' }, 'ON', false)).toBe(true);
    expect(envChoice({ LEVEL: 'DEBUG' }, 'LEVEL', ['info', 'debug'], 'info')).toBe('debug');
    expect(envList({ LIST: 'b, a,' }, 'LIST', ['a', 'b'])).toEqual(['b', 'a']);
  });

  it.each([
    [() => envInteger({ PORT: 'eighty' }, 'PORT', 3000, { max: 65535 }), 'Invalid PORT="eighty": expected an integer from 0 to 65535'],
    [() => envRate({ EMAIL_FAILURE_RATE: '1.5' }, 'EMAIL_FAILURE_RATE', 0), 'Invalid EMAIL_FAILURE_RATE="1.5": expected a number from 0 to 1, e.g. 0.1'],
    [() => envUrl({ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', ['postgres:', 'postgresql:']), 'expected a URL starting with postgres:// or postgresql://'],
    [() => envInteger({ SIZE: '-1' }, 'SIZE', 1), 'Invalid SIZE="-1": expected a non-negative integer'],
    [() => envInteger({ SIZE: '0' }, 'SIZE', 1, { min: 1 }), 'Invalid SIZE="0": expected an integer of at least 1'],
    [() => envBoolean({ ON: 'maybe' }, 'ON', false), 'Invalid ON="maybe": allowed values are true or false'],
    [() => envChoice({ LEVEL: 'loud' }, 'LEVEL', ['info', 'debug'], 'info'), 'Invalid LEVEL="loud": allowed values are info, debug'],
    [() => envList({ LIST: 'a,x' }, 'LIST', ['a', 'b']), 'Invalid LIST="a,x": allowed values are a, b'],
  ])('reject bad values with a message naming the variable', (parse, message) => {
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
  });
});

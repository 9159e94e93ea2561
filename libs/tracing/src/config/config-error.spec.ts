import { jest } from '@jest/globals';
import { ConfigError, exitOnConfigError } from './config-error.js';

describe('exitOnConfigError', () => {
  afterEach(() => jest.restoreAllMocks());

  it('turns a ConfigError into one line on stderr and exit code 1', () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exited');
    });
    expect(() => exitOnConfigError(new ConfigError('PORT', 'x', 'expected an integer'), 'users-api')).toThrow('exited');
    expect(written).toEqual(['[users-api] Invalid PORT="x": expected an integer\n']);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('rethrows anything else untouched', () => {
    const exit = jest.spyOn(process, 'exit');
    const failure = new Error('database down');
    expect(() => exitOnConfigError(failure, 'users-api')).toThrow(failure);
    expect(exit).not.toHaveBeenCalled();
  });
});

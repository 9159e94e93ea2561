import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { diag } from '@opentelemetry/api';
import { routeDiagnostics } from './diag-logger.js';

describe('routeDiagnostics (OTEL_LOG_LEVEL)', () => {
  afterEach(() => diag.disable());

  it('routes the SDK’s diagnostics at and above OTEL_LOG_LEVEL to Nest’s logger', () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      routeDiagnostics('warn');
      diag.debug('below the level');
      diag.warn('exporter unreachable');
      expect(log).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('exporter unreachable'));
      routeDiagnostics('DEBUG');
      diag.debug('a debug line');
      expect(log).toHaveBeenCalledWith(expect.stringContaining('a debug line'));
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});

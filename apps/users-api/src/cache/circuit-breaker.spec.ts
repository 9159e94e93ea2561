import { jest } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('opens on the first failure, probes every retryMs in the background, and closes when the probe and beforeClose succeed', async () => {
    const answers = [false, true];
    const probe = jest.fn(async () => {
      if (!answers.shift()) throw new Error('still down');
    });
    const beforeClose = jest.fn(async () => undefined);
    const breaker = new CircuitBreaker({ name: 'Redis', retryMs: 1_000, probe, beforeClose });

    expect(breaker.isOpen).toBe(false);
    breaker.trip(new Error('timeout'));
    breaker.trip(new Error('timeout again'));
    expect(breaker.isOpen).toBe(true);
    expect(probe).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(breaker.isOpen).toBe(true);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(beforeClose).toHaveBeenCalledTimes(1);
    expect(breaker.isOpen).toBe(false);
  });

  it('stays open while beforeClose fails, and stops probing once stopped', async () => {
    const probe = jest.fn(async () => undefined);
    let closeFails = true;
    const breaker = new CircuitBreaker({
      name: 'Redis',
      retryMs: 100,
      probe,
      beforeClose: async () => {
        if (closeFails) throw new Error('epoch not raised');
      },
    });
    breaker.trip(new Error('down'));
    await jest.advanceTimersByTimeAsync(100);
    expect(breaker.isOpen).toBe(true);
    closeFails = false;
    breaker.stop();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(1);
  });
});

import { retryDelayMs } from './outbox.dispatcher.js';

describe('retryDelayMs', () => {
  it('doubles from 0.5 s and stops at 30 s', () => {
    expect([1, 2, 3, 4, 6, 7, 20].map(retryDelayMs)).toEqual([500, 1000, 2000, 4000, 16000, 30000, 30000]);
  });
});

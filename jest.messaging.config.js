/** The suites across Nest's message transports and BullMQ, against real brokers (`npm run test:messaging`). */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/messaging'],
  testTimeout: 60000,
};

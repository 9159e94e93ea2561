/** The suites against the real Jaeger, Zipkin and Collector (`npm run test:backends`). */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/backends'],
  testTimeout: 60000,
};

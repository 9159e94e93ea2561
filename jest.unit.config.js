/**
 * The unit tests (`npm run test:unit`): every `*.spec.ts`, on the TypeScript sources, the library's
 * included, so nothing is built first and no server, broker or browser is needed.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    '^nestjs-tracing$': '<rootDir>/libs/tracing/src/index.ts',
    '^nestjs-tracing/(config|context|logging|testing)$': '<rootDir>/libs/tracing/src/$1/index.ts',
    ...base.moduleNameMapper,
  },
};

/**
 * Configuration: Sentry's Node SDK as its docs set it up for an Express app in ES modules
 * (`instrument.mjs`, preloaded with `node --import`): `Sentry.init` with a DSN and
 * `tracesSampleRate: 1.0`, every default integration (http, express, pg, ioredis among them). The DSN
 * points at the benchmark's discard receiver, which takes Sentry's envelopes in place of sentry.io.
 * `Sentry.setupExpressErrorHandler(app)` is left out: it acts only on errors, and the benchmark's
 * requests succeed. Our library is off.
 */
import * as Sentry from '@sentry/node';

Sentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 1.0 });

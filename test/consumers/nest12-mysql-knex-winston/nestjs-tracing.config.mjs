// Read by the preload (node --import nestjs-tracing/register) before the app loads.
/** @type {import('nestjs-tracing').TracingPreloadOptions} */
export default {
  instrumentations: {
    // Every MySQL query span says which pool served it.
    mysql2: { responseHook: (span) => span.setAttribute('app.pool', 'orders') },
  },
};

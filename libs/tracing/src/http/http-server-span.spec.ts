import { isCatchAll, routeTemplate as templateOf, type RoutedRequest } from './http-server-span.js';

const routeTemplate = (request: Partial<RoutedRequest>) => templateOf(request as RoutedRequest);

describe('routeTemplate', () => {
  it('names the route that answered, under its router’s base', () => {
    expect(routeTemplate({ route: { path: '/users/:id' } })).toBe('/users/:id');
    expect(routeTemplate({ route: { path: '/:id' }, baseUrl: '/api/users' })).toBe('/api/users/:id');
    expect(routeTemplate({ routeOptions: { url: '/orders/:id' } })).toBe('/orders/:id');
  });

  it('leaves a request that only a catch-all middleware matched without a route', () => {
    for (const path of ['{/*splat}', '/{*splat}', '/*path', '*', '(.*)']) {
      expect(isCatchAll(path)).toBe(true);
      expect(routeTemplate({ route: { path } })).toBeUndefined();
    }
    expect(isCatchAll('/files/*path')).toBe(false);
  });
});

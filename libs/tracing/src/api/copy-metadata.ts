import 'reflect-metadata';

/**
 * Nest's decorators (`@Get`, `SetMetadata`, `@OnEvent`, `@Cron`...) keep their metadata on the
 * method function itself. A wrapper that loses it silently changes behaviour — a role guard that
 * no longer sees `roles` lets every request through — so every own key is carried over.
 */
export function copyMetadata(from: object, to: object): void {
  for (const key of Reflect.getOwnMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
}

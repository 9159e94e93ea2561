import { ConfigError } from './config-error.js';

/**
 * Imports an optional peer dependency that a setting asked for. When the app has not installed it,
 * startup stops with one line naming the setting and the package to install, as for a bad value.
 */
export async function importOptional<T>(packageName: string, setting: { variable: string; value: string }, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, packageName)) throw error;
    throw new ConfigError(setting.variable, setting.value, `needs the package ${packageName}: npm install ${packageName}`);
  }
}

function isMissing(error: unknown, packageName: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (message ?? '').includes(packageName);
}

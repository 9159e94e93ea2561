/** The package's name and version, for its instrumentation scope (a test keeps them equal to package.json's). */
export const PACKAGE_NAME = 'nestjs-tracing';
export const PACKAGE_VERSION = '0.1.0';

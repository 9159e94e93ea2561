/** The OpenTelemetry SDK's own minimum (its `engines`), and so the library's. */
const MINIMUM = { major: 22, minor: 15 };

/** Why this Node.js cannot run the library, or undefined when it can. */
export function unsupportedNode(version = process.versions.node): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (major > MINIMUM.major || (major === MINIMUM.major && minor >= MINIMUM.minor)) return undefined;
  return `nestjs-tracing needs Node.js ${MINIMUM.major}.${MINIMUM.minor} or later, as the OpenTelemetry SDK does; this is ${version}`;
}

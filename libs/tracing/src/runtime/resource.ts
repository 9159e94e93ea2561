import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME, ATTR_PROCESS_COMMAND_ARGS } from '@opentelemetry/semantic-conventions/incubating';
import type { TracingConfig } from '../config/tracing-config.js';

/**
 * The process detector without `process.command_args`: a secret passed on a command line
 * (`--password=...`) would otherwise leave with every batch of spans.
 */
const processDetectorWithoutArgs: ResourceDetector = {
  detect(config) {
    const attributes = { ...processDetector.detect(config).attributes };
    delete attributes[ATTR_PROCESS_COMMAND_ARGS];
    return { attributes };
  },
};

const DETECTORS: Record<TracingConfig['resourceDetectors'][number], ResourceDetector> = {
  host: hostDetector,
  os: osDetector,
  process: processDetectorWithoutArgs,
  serviceinstance: serviceInstanceIdDetector,
  env: envDetector,
};

/**
 * The SDK's default resource, then the detectors `OTEL_NODE_RESOURCE_DETECTORS` names (the env
 * detector reads `OTEL_RESOURCE_ATTRIBUTES`), then what the library knows about the service.
 */
export function createResource(config: TracingConfig): Resource {
  const detectors = config.resourceDetectors.map((name) => DETECTORS[name]);
  return defaultResource()
    .merge(detectResources({ detectors }))
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: config.serviceName,
        [ATTR_SERVICE_VERSION]: config.serviceVersion,
        [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.environment,
      }),
    );
}

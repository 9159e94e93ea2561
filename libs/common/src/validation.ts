import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** `{ "email": ["email must be an email"], "address.city": [...] }` from class-validator's tree. */
export function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const path = `${prefix}${error.property}`;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    Object.assign(fields, fieldErrors(error.children ?? [], `${path}.`));
  }
  return fields;
}

/**
 * Unknown fields are refused, not silently dropped, and the 400 names every field at fault:
 * `{ statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: {...} }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: fieldErrors(errors) }),
  });
}

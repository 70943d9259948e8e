import { App, Stack } from 'aws-cdk-lib';
import { expect } from 'vitest';
import { MlPlatformValidationError } from '../../constructs/core/errors';

/**
 * Builds a construct in a fresh stack `Bad` and asserts it throws our validation error whose
 * message contains `message` (the prop, the value and what is allowed).
 */
export function expectValidationError(
  build: (stack: Stack) => unknown,
  message: string | RegExp,
): MlPlatformValidationError {
  const stack = new Stack(new App(), 'Bad', { env: { region: 'us-east-1' } });
  let thrown: unknown;
  try {
    build(stack);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(MlPlatformValidationError);
  const error = thrown as MlPlatformValidationError;
  if (typeof message === 'string') expect(error.message).toContain(message);
  else expect(error.message).toMatch(message);
  return error;
}

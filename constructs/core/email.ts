/**
 * The one e-mail address check of the library (alarm topic subscriptions, budget notifications,
 * the reference app's `alarmEmails`): something@domain.tld with no spaces and a single `@`.
 * Deliberately loose: SNS and AWS Budgets send a confirmation or a notification to the address,
 * which is the real test; this only catches typos such as a missing `@` or a pasted list.
 */
const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Whether `value` looks like an e-mail address. */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && EMAIL_ADDRESS.test(value);
}

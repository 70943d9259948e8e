import { expect, test } from 'vitest';
import { isEmailAddress } from '../../../constructs/core/email';

test.each(['ml-oncall@example.com', 'a.b+alerts@sub.example.co.uk', 'x@y.io'])(
  '%s is an e-mail address',
  (e) => {
    expect(isEmailAddress(e)).toBe(true);
  },
);

test.each([
  ['no @', 'oncall.example.com'],
  ['two @', 'a@b@example.com'],
  ['no domain dot', 'oncall@localhost'],
  ['a space', 'on call@example.com'],
  ['a pasted list', 'a@example.com,b@example.com c@example.com'],
  ['empty', ''],
  ['not a string', 42],
  ['undefined', undefined],
])('rejects %s', (_why, e) => {
  expect(isEmailAddress(e)).toBe(false);
});

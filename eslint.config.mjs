import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', 'test-artifacts/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // The estimator and its CLI are bundled without aws-cdk-lib: keep it that way.
    files: ['cost/**/*.ts', 'bin/cdk-ml-cost.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'aws-cdk-lib',
            'aws-cdk-lib/*',
            'constructs',
            'cdk-nag',
            '../lib/*',
            '../constructs/*',
            '../../lib/*',
            '../../constructs/*',
          ],
        },
      ],
    },
  },
);

import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      'dist/**',
      'test-artifacts/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
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
            '../scripts/*',
            '../../scripts/*',
            '../../../scripts/*',
          ],
        },
      ],
    },
  },
  {
    // Layers run one way: constructs/core <- constructs/<family> <- lib <- bin. A construct family
    // never reaches up into lib/ (the reference platform) nor into another family's private/.
    files: ['constructs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib', '**/lib/*', '../../lib/**', '../../../lib/**'],
              message: 'constructs/ never imports lib/: move shared code to constructs/core/.',
            },
            {
              group: ['../*/private/*', '../../*/private/*'],
              message: "Never import another construct family's private/ folder.",
            },
            {
              group: ['**/scripts', '**/scripts/**'],
              message: 'scripts/ holds build-time tools; nothing the package runs imports them.',
            },
            {
              group: [
                '../../cost/*',
                '../../../cost/*',
                '!../../cost/usage-metadata',
                '!../../../cost/usage-metadata',
              ],
              message: 'Constructs share only cost/usage-metadata with the estimator.',
            },
          ],
        },
      ],
    },
  },
  {
    // The base layer depends on nothing of ours.
    files: ['constructs/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../core', '../../*'],
              message: 'constructs/core/ is the bottom layer: it imports no construct family, lib/ or cost/.',
            },
          ],
        },
      ],
    },
  },
  {
    // lib/ composes constructs; it never reaches into a family's private helpers.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../constructs/*/private/*', '../../constructs/*/private/*', '../bin/*'],
              message: "lib/ uses the construct families' public API only.",
            },
            {
              group: ['**/scripts', '**/scripts/**'],
              message: 'scripts/ holds build-time tools; nothing the package runs imports them.',
            },
          ],
        },
      ],
    },
  },
);
